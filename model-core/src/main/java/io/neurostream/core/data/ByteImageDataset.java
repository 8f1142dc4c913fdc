// An image dataset stored as one uint8 array [count, rows, cols] plus one uint8 label per image.
package io.neurostream.core.data;

/** All images in one {@code byte[]} (count × rows × cols, row-major, uint8), labels in one {@code byte[]} (uint8). */
final class ByteImageDataset implements ImageDataset {
    /** {@code SCALE[p] = p / 255f}: the feature of pixel value p, exactly as dividing would give it. */
    private static final float[] SCALE = new float[256];

    static {
        for (int p = 0; p < 256; p++) {
            SCALE[p] = p / 255f;
        }
    }

    private final String name;
    private final int count;
    private final int rows;
    private final int cols;
    private final int classes;
    private final byte[] pixels; // [count, rows, cols] uint8
    private final byte[] labels; // [count] uint8, each < classes

    /** Takes ownership of the arrays; the caller has checked their lengths and the labels. */
    ByteImageDataset(String name, int count, int rows, int cols, int classes, byte[] pixels, byte[] labels) {
        this.name = name;
        this.count = count;
        this.rows = rows;
        this.cols = cols;
        this.classes = classes;
        this.pixels = pixels;
        this.labels = labels;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public int[] sampleShape() {
        return new int[] {1, rows, cols};
    }

    @Override
    public int featureCount() {
        return rows * cols;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public void features(int index, float[] dst, int dstOffset) {
        int n = rows * cols;
        int from = checkedIndex(index) * n;
        for (int k = 0; k < n; k++) {
            dst[dstOffset + k] = SCALE[pixels[from + k] & 0xff];
        }
    }

    @Override
    public void pixels(int index, byte[] dst, int dstOffset) {
        int n = rows * cols;
        System.arraycopy(pixels, checkedIndex(index) * n, dst, dstOffset, n);
    }

    @Override
    public int label(int index) {
        return labels[checkedIndex(index)] & 0xff;
    }

    private int checkedIndex(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException(name + ": sample " + index + " is outside 0.." + (count - 1));
        }
        return index;
    }
}
