// A dataset seen through a list of indices (limit, subset, shuffled order); the samples are shared.
package io.neurostream.core.data;

import java.util.Arrays;

/** Sample {@code i} of the view is sample {@code indices[i]} of {@code base}. A view of a view maps straight to the first base. */
class DatasetView implements Dataset {
    final Dataset base;
    final int[] indices;

    DatasetView(Dataset base, int[] indices) {
        this.base = base;
        this.indices = indices;
    }

    static Dataset over(Dataset dataset, int[] indices) {
        if (dataset instanceof DatasetView view) {
            return new DatasetView(view.base, compose(view, indices));
        }
        return new DatasetView(dataset, checked(dataset, indices));
    }

    /** The indices {@code 0 .. n-1}, after checking {@code 0 <= n <= dataset.size()}. */
    static int[] prefix(Dataset dataset, int n) {
        if (n < 0 || n > dataset.size()) {
            throw new IllegalArgumentException("limit of " + dataset.name() + ": " + n
                    + " is outside 0.." + dataset.size() + " (its size)");
        }
        int[] indices = new int[n];
        Arrays.setAll(indices, i -> i);
        return indices;
    }

    /** The base indices of {@code view}'s samples at {@code indices}. */
    static int[] compose(DatasetView view, int[] indices) {
        int[] composed = checked(view, indices);
        for (int i = 0; i < composed.length; i++) {
            composed[i] = view.indices[composed[i]];
        }
        return composed;
    }

    /** A copy of {@code indices} after checking each is a sample of {@code dataset}. */
    static int[] checked(Dataset dataset, int[] indices) {
        int size = dataset.size();
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= size) {
                throw new IllegalArgumentException("subset of " + dataset.name() + ": index " + indices[i]
                        + " at position " + i + " is outside 0.." + (size - 1));
            }
        }
        return indices.clone();
    }

    @Override
    public String name() {
        return base.name();
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int[] sampleShape() {
        return base.sampleShape();
    }

    @Override
    public int featureCount() {
        return base.featureCount();
    }

    @Override
    public int classes() {
        return base.classes();
    }

    @Override
    public void features(int index, float[] dst, int dstOffset) {
        base.features(indices[index], dst, dstOffset);
    }

    @Override
    public int label(int index) {
        return base.label(indices[index]);
    }

    @Override
    public int targetCount() {
        return base.targetCount();
    }

    @Override
    public void target(int index, float[] dst, int dstOffset) {
        base.target(indices[index], dst, dstOffset);
    }
}
