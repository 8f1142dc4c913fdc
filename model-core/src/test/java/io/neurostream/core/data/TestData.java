// Test helpers: the bundled data folder, IDX/gzip bytes built in memory, and the one-line error assertion.
package io.neurostream.core.data;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

final class TestData {
    private TestData() {
    }

    /** The repository's ops/data, found from the module directory where Maven runs the tests. */
    static Path bundled() {
        return DataLocator.locate(null, null, Path.of(""));
    }

    /** An IDX image file: magic, count, rows, cols, then the pixels as given. */
    static byte[] idxImages(int magic, int count, int rows, int cols, byte[] pixels) {
        return ByteBuffer.allocate(16 + pixels.length).putInt(magic).putInt(count).putInt(rows).putInt(cols)
                .put(pixels).array();
    }

    /** An IDX label file: magic, count, then the labels as given. */
    static byte[] idxLabels(int magic, int count, byte[] labels) {
        return ByteBuffer.allocate(8 + labels.length).putInt(magic).putInt(count).put(labels).array();
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code count} images of rows x cols whose pixel k of image i is (i * 16 + k) mod 256. */
    static byte[] pixels(int count, int rows, int cols) {
        byte[] pixels = new byte[count * rows * cols];
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < rows * cols; k++) {
                pixels[i * rows * cols + k] = (byte) (i * 16 + k);
            }
        }
        return pixels;
    }

    /** Asserts that {@code load} throws a one-line DatasetException whose message contains {@code expected}. */
    static DatasetException assertOneLineError(String expected, Runnable load) {
        DatasetException e = assertThrows(DatasetException.class, load::run);
        assertTrue(e.getMessage().contains(expected), () -> "expected <" + expected + "> in <" + e.getMessage() + ">");
        assertFalse(e.getMessage().contains("\n"), () -> "one line: " + e.getMessage());
        return e;
    }
}
