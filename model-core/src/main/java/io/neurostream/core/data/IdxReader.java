// Reads IDX files (LeCun's MNIST format: big-endian int32 header, then uint8 data), gzipped or plain.
package io.neurostream.core.data;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The two IDX layouts of MNIST, after gunzip when the file starts with the gzip magic {@code 1f 8b}:
 * <ul>
 *   <li>images: int32 magic {@code 0x00000803}, int32 count, int32 rows, int32 cols, then
 *       count × rows × cols uint8 pixels, row-major;</li>
 *   <li>labels: int32 magic {@code 0x00000801}, int32 count, then count uint8 labels.</li>
 * </ul>
 * Known files are checked against their sha256 first ({@link KnownFiles}). Every error is a
 * {@link DatasetException} whose message starts with the file and names the field.
 */
final class IdxReader {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;
    /** The largest Java array the JVMs we know accept. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    /** Deflate's largest expansion: one compressed byte yields at most 1032 bytes. */
    private static final long MAX_DEFLATE_RATIO = 1032;

    /** Images as read: {@code pixels} is [count, rows, cols] uint8. */
    record Images(int count, int rows, int cols, byte[] pixels) {
    }

    private IdxReader() {
    }

    static Images readImages(Path file) {
        try (Source source = open(file)) {
            ByteBuffer header = header(file, source.in(), 16, IMAGES_MAGIC);
            int count = atLeast(file, "image count", header.getInt(), 0);
            int rows = atLeast(file, "rows", header.getInt(), 1);
            int cols = atLeast(file, "cols", header.getInt(), 1);
            long pixelCount = (long) count * rows * cols;
            if (pixelCount > MAX_ARRAY) {
                throw new DatasetException(file + ": " + count + " images of " + rows + "x" + cols + " = "
                        + pixelCount + " pixels exceed the Java array limit of " + MAX_ARRAY);
            }
            byte[] pixels = body(file, source, (int) pixelCount, "pixel bytes");
            return new Images(count, rows, cols, pixels);
        } catch (IOException e) {
            throw gzipError(file, e);
        }
    }

    /** The labels, uint8, one per sample. */
    static byte[] readLabels(Path file) {
        try (Source source = open(file)) {
            ByteBuffer header = header(file, source.in(), 8, LABELS_MAGIC);
            int count = atLeast(file, "label count", header.getInt(), 0);
            return body(file, source, count, "label bytes");
        } catch (IOException e) {
            throw gzipError(file, e);
        }
    }

    /** The file's data stream and the most bytes it can yield (to refuse absurd header counts before allocating). */
    private record Source(InputStream in, long maxBytes) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static Source open(Path file) throws IOException {
        byte[] bytes = KnownFiles.read(file);
        InputStream raw = new ByteArrayInputStream(bytes);
        boolean gzipped = bytes.length >= 2 && bytes[0] == (byte) 0x1f && bytes[1] == (byte) 0x8b;
        return gzipped
                ? new Source(new GZIPInputStream(raw, 1 << 16), bytes.length * MAX_DEFLATE_RATIO)
                : new Source(raw, bytes.length);
    }

    /**
     * The {@code length}-byte header, positioned after its magic. The magic is checked first, so a
     * file of the other kind is reported as such even when it is also too short.
     */
    private static ByteBuffer header(Path file, InputStream in, int length, int expectedMagic) throws IOException {
        ByteBuffer header = ByteBuffer.wrap(in.readNBytes(length)); // big-endian, as IDX
        if (header.limit() >= 4) {
            int magic = header.getInt();
            if (magic != expectedMagic) {
                throw new DatasetException(String.format("%s: expected magic 0x%08x, got 0x%08x", file, expectedMagic, magic));
            }
        }
        if (header.limit() < length) {
            throw new DatasetException(file + ": truncated: expected a " + length + "-byte header, got "
                    + header.limit() + " bytes");
        }
        return header;
    }

    /**
     * Exactly {@code length} bytes, the rest of the data: fewer is a truncated file, more is trailing
     * garbage. The array is allocated up front unless the file cannot hold that many bytes.
     */
    private static byte[] body(Path file, Source source, int length, String what) throws IOException {
        if (length > source.maxBytes()) {
            int got = source.in().readAllBytes().length;
            throw truncated(file, length, what, got);
        }
        byte[] body = new byte[length];
        int got = source.in().readNBytes(body, 0, length);
        if (got < length) {
            throw truncated(file, length, what, got);
        }
        long trailing = source.in().transferTo(OutputStream.nullOutputStream());
        if (trailing > 0) {
            throw new DatasetException(file + ": expected " + length + " " + what + " after the header, got "
                    + (length + trailing) + " (" + trailing + " trailing bytes)");
        }
        return body;
    }

    private static DatasetException truncated(Path file, int length, String what, int got) {
        return new DatasetException(file + ": truncated: expected " + length + " " + what
                + " after the header, got " + got);
    }

    private static int atLeast(Path file, String field, int value, int min) {
        if (value < min) {
            throw new DatasetException(file + ": " + field + " must be >= " + min + ", got " + value);
        }
        return value;
    }

    private static DatasetException gzipError(Path file, IOException e) {
        if (e instanceof EOFException) {
            return new DatasetException(file + ": truncated gzip stream: " + e.getMessage(), e);
        }
        if (e instanceof ZipException) {
            return new DatasetException(file + ": corrupt gzip data: " + e.getMessage(), e);
        }
        return new DatasetException(file + ": cannot read: " + e, e);
    }
}
