// A dataset of uint8 grayscale images: raw pixels for the Kafka producer, pixel/255 floats for training.
package io.neurostream.core.data;

/**
 * A dataset of single-channel uint8 images, shape {@code {1, rows, cols}} (C, H, W), row-major.
 * {@link #features} gives {@code pixel / 255f}, in [0, 1]; {@link #pixels} gives the raw bytes
 * (0 = background, 255 = ink), 4× smaller than floats, which is what the Kafka producer sends.
 * Its views are image datasets too.
 */
public interface ImageDataset extends Dataset {
    /** Image height H, in pixels. */
    int rows();

    /** Image width W, in pixels. */
    int cols();

    /** Copies the {@code rows()*cols()} uint8 pixels of sample {@code index} to {@code dst[dstOffset ..]}, row-major. */
    void pixels(int index, byte[] dst, int dstOffset);

    @Override
    default ImageDataset limit(int n) {
        return ImageDatasetView.over(this, DatasetView.prefix(this, n));
    }

    @Override
    default ImageDataset subset(int[] indices) {
        return ImageDatasetView.over(this, indices);
    }

    @Override
    default ImageDataset shuffled(long seed) {
        return subset(Shuffle.permutation(size(), seed));
    }
}
