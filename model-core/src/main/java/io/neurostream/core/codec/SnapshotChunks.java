// Splits a snapshot into chunks of at most 512 KiB with a manifest, and joins them back (DESIGN.md §4).
package io.neurostream.core.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Kafka's default record limit is 1 MB and a conv net with Adam state is tens of MB, so a
 * snapshot is stored as chunks plus a small manifest: format version, snapshot length, chunk
 * count, chunk size and the CRC-32C of the whole snapshot. Joining checks all of them.
 */
public final class SnapshotChunks {
    /** Largest chunk: 512 KiB, half of Kafka's default max message size. */
    public static final int MAX_CHUNK_BYTES = 512 * 1024;
    private static final int MANIFEST_MAGIC = 0x4E534D46; // "NSMF"
    private static final int MANIFEST_VERSION = 1;
    private static final int MANIFEST_BYTES = 4 + 2 + 2 + 8 + 4 + 4 + 4;

    private SnapshotChunks() {}

    /**
     * @param snapshotVersion the codec version of the snapshot the chunks hold
     * @param length          snapshot bytes
     * @param chunkCount      number of chunks
     * @param chunkBytes      size of every chunk but the last
     * @param checksum        CRC-32C of the whole snapshot
     */
    public record Manifest(int snapshotVersion, long length, int chunkCount, int chunkBytes, int checksum) {

        public byte[] encode() {
            return ByteBuffer.allocate(MANIFEST_BYTES).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(MANIFEST_MAGIC).putShort((short) MANIFEST_VERSION).putShort((short) snapshotVersion).putLong(length)
                    .putInt(chunkCount).putInt(chunkBytes).putInt(checksum).array();
        }

        public static Manifest decode(byte[] bytes) {
            ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            if (bytes.length != MANIFEST_BYTES || in.getInt() != MANIFEST_MAGIC) {
                throw new SnapshotException("not a snapshot manifest (" + bytes.length + " bytes)");
            }
            int version = Short.toUnsignedInt(in.getShort());
            if (version != MANIFEST_VERSION) {
                throw new SnapshotException("snapshot manifest version " + version + " is not supported (this build reads " + MANIFEST_VERSION + ")");
            }
            return new Manifest(Short.toUnsignedInt(in.getShort()), in.getLong(), in.getInt(), in.getInt(), in.getInt());
        }
    }

    /** A split snapshot: the manifest and the chunks in order. */
    public record Split(Manifest manifest, List<byte[]> chunks) {}

    public static Split split(byte[] snapshot) {
        return split(snapshot, MAX_CHUNK_BYTES);
    }

    public static Split split(byte[] snapshot, int chunkBytes) {
        if (chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("chunk size must be in [1, " + MAX_CHUNK_BYTES + "], got " + chunkBytes);
        }
        List<byte[]> chunks = new ArrayList<>();
        for (int from = 0; from < snapshot.length; from += chunkBytes) {
            chunks.add(Arrays.copyOfRange(snapshot, from, Math.min(snapshot.length, from + chunkBytes)));
        }
        Manifest manifest = new Manifest(SnapshotCodec.VERSION, snapshot.length, chunks.size(), chunkBytes, crc(snapshot, snapshot.length));
        return new Split(manifest, List.copyOf(chunks));
    }

    /** Reassembles the snapshot; a missing, extra, resized or corrupted chunk is an error. */
    public static byte[] join(Manifest manifest, List<byte[]> chunks) {
        if (chunks.size() != manifest.chunkCount()) {
            throw new SnapshotException("snapshot manifest lists " + manifest.chunkCount() + " chunks, found " + chunks.size());
        }
        byte[] out = new byte[Math.toIntExact(manifest.length())];
        int at = 0;
        for (int i = 0; i < chunks.size(); i++) {
            byte[] chunk = chunks.get(i);
            int expected = (int) Math.min(manifest.chunkBytes(), manifest.length() - at);
            if (chunk == null || chunk.length != expected) {
                throw new SnapshotException("snapshot chunk " + i + ": expected " + expected + " bytes, got "
                        + (chunk == null ? "none" : chunk.length));
            }
            System.arraycopy(chunk, 0, out, at, chunk.length);
            at += chunk.length;
        }
        int crc = crc(out, out.length);
        if (crc != manifest.checksum()) {
            throw new SnapshotException("snapshot reassembled from " + chunks.size() + " chunks is corrupted: CRC-32C "
                    + Integer.toHexString(crc) + " does not match the manifest's " + Integer.toHexString(manifest.checksum()));
        }
        return out;
    }

    private static int crc(byte[] b, int length) {
        CRC32C c = new CRC32C();
        c.update(b, 0, length);
        return (int) c.getValue();
    }
}
