// Corrupt and odd IDX inputs: each must fail with one line naming the file, the field and the values.
package io.neurostream.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    private static final int IMAGES = IdxReader.IMAGES_MAGIC;
    private static final int LABELS = IdxReader.LABELS_MAGIC;
    private static final byte[] THREE_LABELS = {7, 0, 9};

    @TempDir
    Path dir;

    @Test
    void shouldReadPlainAndGzippedFilesAlike() throws IOException {
        byte[] images = TestData.idxImages(IMAGES, 3, 2, 2, TestData.pixels(3, 2, 2));
        byte[] labels = TestData.idxLabels(LABELS, 3, THREE_LABELS);
        write("train-images-idx3-ubyte", images);
        write("train-labels-idx1-ubyte", labels);
        Path gzipped = Files.createDirectory(dir.resolve("gz"));
        Files.write(gzipped.resolve("train-images-idx3-ubyte.gz"), TestData.gzip(images));
        Files.write(gzipped.resolve("train-labels-idx1-ubyte.gz"), TestData.gzip(labels));

        for (ImageDataset set : new ImageDataset[] {Mnist.train(dir), Mnist.train(gzipped)}) {
            assertEquals(3, set.size());
            assertArrayEquals(new int[] {1, 2, 2}, set.sampleShape());
            assertEquals(9, set.label(2));
            byte[] pixels = new byte[4];
            set.pixels(1, pixels, 0);
            assertArrayEquals(new byte[] {16, 17, 18, 19}, pixels);
        }
    }

    @Test
    void shouldNameFileAndMagicWhenImagesSitInTheLabelFile() throws IOException {
        write("train-images-idx3-ubyte.gz", TestData.gzip(TestData.idxImages(IMAGES, 3, 2, 2, TestData.pixels(3, 2, 2))));
        write("train-labels-idx1-ubyte.gz", TestData.gzip(TestData.idxImages(IMAGES, 3, 2, 2, TestData.pixels(3, 2, 2))));

        TestData.assertOneLineError("train-labels-idx1-ubyte.gz: expected magic 0x00000801, got 0x00000803", () -> Mnist.train(dir));
    }

    @Test
    void shouldNameFileAndMagicWhenLabelsSitInTheImageFile() throws IOException {
        write("t10k-images-idx3-ubyte", TestData.idxLabels(LABELS, 3, THREE_LABELS));
        write("t10k-labels-idx1-ubyte", TestData.idxLabels(LABELS, 3, THREE_LABELS));

        TestData.assertOneLineError("t10k-images-idx3-ubyte: expected magic 0x00000803, got 0x00000801", () -> Mnist.test(dir));
    }

    @Test
    void shouldReportTruncatedPixels() throws IOException {
        byte[] twoImages = Arrays.copyOf(TestData.pixels(3, 2, 2), 8);
        write("train-images-idx3-ubyte", TestData.idxImages(IMAGES, 3, 2, 2, twoImages));
        write("train-labels-idx1-ubyte", TestData.idxLabels(LABELS, 3, THREE_LABELS));

        TestData.assertOneLineError("train-images-idx3-ubyte: truncated: expected 12 pixel bytes after the header, got 8",
                () -> Mnist.train(dir));
    }

    @Test
    void shouldReportTruncatedHeader() throws IOException {
        write("train-images-idx3-ubyte", Arrays.copyOf(TestData.idxImages(IMAGES, 3, 2, 2, new byte[0]), 10));
        write("train-labels-idx1-ubyte", TestData.idxLabels(LABELS, 3, THREE_LABELS));

        TestData.assertOneLineError("train-images-idx3-ubyte: truncated: expected a 16-byte header, got 10 bytes",
                () -> Mnist.train(dir));
    }

    @Test
    void shouldReportTruncatedGzipStream() throws IOException {
        byte[] gzipped = TestData.gzip(TestData.idxImages(IMAGES, 100, 28, 28, TestData.pixels(100, 28, 28)));
        write("train-images-idx3-ubyte.gz", Arrays.copyOf(gzipped, gzipped.length / 2));
        write("train-labels-idx1-ubyte", TestData.idxLabels(LABELS, 3, THREE_LABELS));

        TestData.assertOneLineError("train-images-idx3-ubyte.gz: truncated gzip stream", () -> Mnist.train(dir));
    }

    @Test
    void shouldReportTrailingBytes() throws IOException {
        write("train-images-idx3-ubyte", TestData.idxImages(IMAGES, 3, 2, 2, TestData.pixels(3, 2, 2)));
        write("train-labels-idx1-ubyte", TestData.idxLabels(LABELS, 2, THREE_LABELS));

        TestData.assertOneLineError("train-labels-idx1-ubyte: expected 2 label bytes after the header, got 3 (1 trailing bytes)",
                () -> Mnist.train(dir));
    }

    @Test
    void shouldRefuseAHeaderCountTheFileCannotHold() throws IOException {
        write("train-images-idx3-ubyte", TestData.idxImages(IMAGES, 1_000_000, 28, 28, TestData.pixels(3, 2, 2)));
        write("train-labels-idx1-ubyte", TestData.idxLabels(LABELS, 3, THREE_LABELS));

        TestData.assertOneLineError("train-images-idx3-ubyte: truncated: expected 784000000 pixel bytes after the header, got 12",
                () -> Mnist.train(dir));
    }

    @Test
    void shouldReportNegativeCount() throws IOException {
        write("train-images-idx3-ubyte", TestData.idxImages(IMAGES, 3, 2, 2, TestData.pixels(3, 2, 2)));
        write("train-labels-idx1-ubyte", TestData.idxLabels(LABELS, -1, THREE_LABELS));

        TestData.assertOneLineError("train-labels-idx1-ubyte: label count must be >= 0, got -1", () -> Mnist.train(dir));
    }

    @Test
    void shouldReportCountMismatchBetweenImagesAndLabels() throws IOException {
        write("train-images-idx3-ubyte", TestData.idxImages(IMAGES, 3, 2, 2, TestData.pixels(3, 2, 2)));
        write("train-labels-idx1-ubyte", TestData.idxLabels(LABELS, 2, new byte[] {1, 2}));

        DatasetException e = TestData.assertOneLineError("/train: 3 images in ", () -> Mnist.train(dir));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte but 2 labels in "), e.getMessage());
    }

    @Test
    void shouldReportLabelOutsideTheClasses() throws IOException {
        write("train-images-idx3-ubyte", TestData.idxImages(IMAGES, 3, 2, 2, TestData.pixels(3, 2, 2)));
        write("train-labels-idx1-ubyte", TestData.idxLabels(LABELS, 3, new byte[] {1, 10, 2}));

        TestData.assertOneLineError("train-labels-idx1-ubyte: label 10 of sample 1 is outside 0..9", () -> Mnist.train(dir));
    }

    @Test
    void shouldNameTheFolderWhenAFileIsMissing() {
        TestData.assertOneLineError(dir + ": no MNIST file train-images-idx3-ubyte.gz or train-images-idx3-ubyte",
                () -> Mnist.train(dir));
    }

    private void write(String name, byte[] bytes) throws IOException {
        Files.write(dir.resolve(name), bytes);
    }
}
