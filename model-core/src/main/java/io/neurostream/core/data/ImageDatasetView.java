// An image dataset seen through a list of indices, so limit/subset/shuffled keep raw pixel access.
package io.neurostream.core.data;

final class ImageDatasetView extends DatasetView implements ImageDataset {
    private final ImageDataset images;

    private ImageDatasetView(ImageDataset base, int[] indices) {
        super(base, indices);
        this.images = base;
    }

    static ImageDataset over(ImageDataset dataset, int[] indices) {
        if (dataset instanceof ImageDatasetView view) {
            return new ImageDatasetView(view.images, compose(view, indices));
        }
        return new ImageDatasetView(dataset, checked(dataset, indices));
    }

    @Override
    public int rows() {
        return images.rows();
    }

    @Override
    public int cols() {
        return images.cols();
    }

    @Override
    public void pixels(int index, byte[] dst, int dstOffset) {
        images.pixels(indices[index], dst, dstOffset);
    }
}
