// A dataset of float features [size, featureCount] with int labels and optional float targets, in plain arrays.
package io.neurostream.core.data;

import java.util.Arrays;

/**
 * A dataset stored in plain arrays: features {@code [size, featureCount]} row-major, labels
 * {@code [size]}, and optionally regression targets {@code [size, targetCount]}. The arrays are
 * copied on construction. Used by the synthetic sets and for small user data.
 */
public final class ArrayDataset implements Dataset {
    private final String name;
    private final int[] sampleShape;
    private final int featureCount;
    private final int classes;
    private final float[] features; // [size, featureCount]
    private final int[] labels; // [size], each in 0..classes-1
    private final int targetCount;
    private final float[] targets; // [size, targetCount]

    /** A dataset with class labels only. */
    public ArrayDataset(String name, int[] sampleShape, int classes, float[] features, int[] labels) {
        this(name, sampleShape, classes, features, labels, 0, new float[0]);
    }

    /** A dataset with class labels and {@code targetCount} float targets per sample. */
    public ArrayDataset(String name, int[] sampleShape, int classes, float[] features, int[] labels,
            int targetCount, float[] targets) {
        this.name = name;
        this.sampleShape = sampleShape.clone();
        this.featureCount = Arrays.stream(sampleShape).reduce(1, (a, b) -> a * b);
        this.classes = classes;
        this.features = features.clone();
        this.labels = labels.clone();
        this.targetCount = targetCount;
        this.targets = targets.clone();
        if (classes < 1) {
            throw new IllegalArgumentException(name + ": classes must be >= 1, got " + classes);
        }
        if (features.length != (long) labels.length * featureCount) {
            throw new IllegalArgumentException(name + ": expected " + labels.length + " x " + featureCount
                    + " = " + (long) labels.length * featureCount + " features for " + labels.length
                    + " labels of shape " + Arrays.toString(sampleShape) + ", got " + features.length);
        }
        if (targets.length != (long) labels.length * targetCount) {
            throw new IllegalArgumentException(name + ": expected " + labels.length + " x " + targetCount
                    + " targets, got " + targets.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of sample " + i
                        + " is outside 0.." + (classes - 1));
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    @Override
    public int featureCount() {
        return featureCount;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public void features(int index, float[] dst, int dstOffset) {
        System.arraycopy(features, checkedIndex(index) * featureCount, dst, dstOffset, featureCount);
    }

    @Override
    public int label(int index) {
        return labels[checkedIndex(index)];
    }

    @Override
    public int targetCount() {
        return targetCount;
    }

    @Override
    public void target(int index, float[] dst, int dstOffset) {
        if (targetCount == 0) {
            Dataset.super.target(index, dst, dstOffset); // throws: this dataset has labels only
        }
        System.arraycopy(targets, checkedIndex(index) * targetCount, dst, dstOffset, targetCount);
    }

    private int checkedIndex(int index) {
        if (index < 0 || index >= labels.length) {
            throw new IndexOutOfBoundsException(name + ": sample " + index + " is outside 0.." + (labels.length - 1));
        }
        return index;
    }
}
