// A finite labelled dataset held in memory, read one sample at a time into the caller's buffers.
package io.neurostream.core.data;

/**
 * A finite labelled dataset held in memory, shared by the offline trainer, the benchmarks and the
 * Kafka producer. Samples are numbered {@code 0 .. size()-1}; reading one allocates nothing: it is
 * written into the caller's array. Implementations are immutable and safe to read from many threads.
 *
 * <p>Views ({@link #limit}, {@link #subset}, {@link #shuffled}) share the samples; they keep the
 * name of the dataset they view.
 */
public interface Dataset {
    /** A short name, e.g. {@code mnist/train}, {@code xor}. */
    String name();

    /** The number of samples. */
    int size();

    /** The shape of one sample's features, e.g. {@code {1, 28, 28}} (C, H, W) for MNIST, {@code {2}} for 2-D points. A copy. */
    int[] sampleShape();

    /** The number of features of one sample: the product of {@link #sampleShape()}. */
    default int featureCount() {
        int count = 1;
        for (int dim : sampleShape()) {
            count *= dim;
        }
        return count;
    }

    /** The number of classes; labels are {@code 0 .. classes()-1}. */
    int classes();

    /** Writes the {@link #featureCount()} features of sample {@code index} to {@code dst[dstOffset ..]}. */
    void features(int index, float[] dst, int dstOffset);

    /** The class of sample {@code index}, in {@code 0 .. classes()-1}. */
    int label(int index);

    /**
     * The number of float regression targets per sample (e.g. 1 for the logic tables, for
     * ½Σ(d−o)²); 0 if the dataset has only class labels.
     */
    default int targetCount() {
        return 0;
    }

    /** Writes the {@link #targetCount()} targets of sample {@code index} to {@code dst[dstOffset ..]}. */
    default void target(int index, float[] dst, int dstOffset) {
        throw new UnsupportedOperationException("dataset " + name() + " has no regression targets, only class labels");
    }

    /** A view of the first {@code n} samples, {@code 0 <= n <= size()}. */
    default Dataset limit(int n) {
        return DatasetView.over(this, DatasetView.prefix(this, n));
    }

    /** A view of the samples at {@code indices} (a copy is kept): sample {@code i} of the view is {@code indices[i]} here. */
    default Dataset subset(int[] indices) {
        return DatasetView.over(this, indices);
    }

    /** A view in the order of {@link Shuffle#permutation(int, long) Shuffle.permutation(size(), seed)}. */
    default Dataset shuffled(long seed) {
        return subset(Shuffle.permutation(size(), seed));
    }
}
