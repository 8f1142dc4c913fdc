// The records of the sync topic: a replica's contribution to a round, in chunks of at most 512 KiB, and the close of a round.
package io.neurostream.app.sync;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Every record of model NAME on the sync topic is keyed NAME (UTF-8) and goes to one partition, so that partition's order
 * decides its rounds ({@link SyncRounds}). A value is this binary layout, big-endian:
 * <pre>
 *   "NSY" 0x01                      magic and layout version
 *   kind        u8                  0 = contribution chunk, 1 = close
 *   model       u16 length, UTF-8   the model (NAME, not NAME#s)
 *   spec        i64                 the spec's fingerprint ({@link #fingerprint}): records of an earlier model of the same name differ
 *   round       i64
 *   shard       i32                 the replica that wrote it
 *   chunk only:
 *   index       i32, count i32      chunk index of count (count ≥ 1)
 *   samples     i64                 samples the replica trained in the round
 *   dtype       u8                  4 = float32, 8 = float64: the width of each value
 *   values      i32                 values in the whole delta
 *   sha256      32 bytes            of the whole payload (the delta's values, each in dtype, in ParameterVector order)
 *   data        the rest            bytes [index·CHUNK_DATA_BYTES, ...) of the payload
 * </pre>
 * A record is never larger than {@link #MAX_RECORD_BYTES}. The layout is binary, not Avro, because a chunk is a header and a
 * slice of a float array, and the record is internal: only neurostream's own replicas read it.
 */
public sealed interface SyncRecord permits SyncRecord.Chunk, SyncRecord.Close {
    int MAX_RECORD_BYTES = 512 * 1024;
    /** Payload bytes per chunk: what is left of 512 KiB after the largest header (a 128-character name of up to 4 bytes each). */
    int CHUNK_DATA_BYTES = MAX_RECORD_BYTES - 1024;
    byte[] MAGIC = {'N', 'S', 'Y', 1};

    String model();

    long spec();

    long round();

    int shard();

    /** One chunk of a contribution. */
    record Chunk(String model, long spec, long round, int shard, int index, int count, long samples, DataType dataType, int values, byte[] sha256,
                 byte[] data) implements SyncRecord {}

    /** Round {@code round} of {@code model} is decided with the contributions that are complete when this record is read. */
    record Close(String model, long spec, long round, int shard) implements SyncRecord {}

    /** The chunks of a contribution: {@code delta} (already rounded to {@code dataType}) from {@code samples} samples. */
    static List<byte[]> contribution(String model, long spec, long round, int shard, long samples, double[] delta, DataType dataType) {
        byte[] bytes = payload(delta, dataType);
        byte[] sha = sha256(bytes);
        int count = chunks(delta.length, dataType);
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = i * CHUNK_DATA_BYTES;
            byte[] data = Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + CHUNK_DATA_BYTES));
            out.add(encode(new Chunk(model, spec, round, shard, i, count, samples, dataType, delta.length, sha, data)));
        }
        return out;
    }

    /** How many chunks a contribution of {@code values} values of this data type is written in. */
    static int chunks(int values, DataType dataType) {
        long bytes = (long) values * (dataType == DataType.DOUBLE ? 8 : 4);
        return (int) Math.max(1, (bytes + CHUNK_DATA_BYTES - 1) / CHUNK_DATA_BYTES);
    }

    static byte[] close(String model, long spec, long round, int shard) {
        return encode(new Close(model, spec, round, shard));
    }

    /** The values, each rounded to the data type, big-endian: 4 bytes each for float32, 8 for float64. */
    static byte[] payload(double[] values, DataType dataType) {
        boolean single = dataType != DataType.DOUBLE;
        ByteBuffer payload = ByteBuffer.allocate(values.length * (single ? 4 : 8));
        for (double v : values) {
            if (single) {
                payload.putFloat((float) v);
            } else {
                payload.putDouble(v);
            }
        }
        return payload.array();
    }

    /** The values of a {@link #payload}; null when its length does not fit {@code values} values of that type. */
    static double[] values(byte[] payload, int values, DataType dataType) {
        int width = dataType == DataType.DOUBLE ? 8 : 4;
        if (payload.length != (long) values * width) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        double[] out = new double[values];
        for (int i = 0; i < values; i++) {
            out[i] = width == 8 ? b.getDouble() : b.getFloat();
        }
        return out;
    }

    /** A spec's fingerprint: the first 8 bytes of the SHA-256 of its JSON text. */
    static long fingerprint(String specJson) {
        return ByteBuffer.wrap(sha256(specJson.getBytes(StandardCharsets.UTF_8))).getLong();
    }

    static byte[] encode(SyncRecord record) {
        byte[] name = record.model().getBytes(StandardCharsets.UTF_8);
        int size = MAGIC.length + 1 + 2 + name.length + 8 + 8 + 4;
        if (record instanceof Chunk c) {
            size += 4 + 4 + 8 + 1 + 4 + 32 + c.data().length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(MAGIC).put((byte) (record instanceof Chunk ? 0 : 1)).putShort((short) name.length).put(name).putLong(record.spec()).putLong(record.round()).putInt(record.shard());
        if (record instanceof Chunk c) {
            b.putInt(c.index()).putInt(c.count()).putLong(c.samples()).put((byte) (c.dataType() == DataType.DOUBLE ? 8 : 4)).putInt(c.values())
                    .put(c.sha256()).put(c.data());
        }
        return b.array();
    }

    /** @throws IllegalArgumentException one line, when the bytes are not a sync record of this layout */
    static SyncRecord decode(byte[] value) {
        try {
            ByteBuffer b = ByteBuffer.wrap(value);
            byte[] magic = new byte[MAGIC.length];
            b.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException("not a sync record (layout version 1)");
            }
            int kind = b.get();
            byte[] name = new byte[Short.toUnsignedInt(b.getShort())];
            b.get(name);
            String model = new String(name, StandardCharsets.UTF_8);
            long spec = b.getLong();
            long round = b.getLong();
            int shard = b.getInt();
            if (round < 0 || shard < 0) {
                throw new IllegalArgumentException("round " + round + " and shard " + shard + " must be >= 0");
            }
            if (kind == 1) {
                return new Close(model, spec, round, shard);
            }
            if (kind != 0) {
                throw new IllegalArgumentException("unknown record kind " + kind);
            }
            int index = b.getInt();
            int count = b.getInt();
            long samples = b.getLong();
            int width = b.get();
            int values = b.getInt();
            byte[] sha = new byte[32];
            b.get(sha);
            byte[] data = new byte[b.remaining()];
            b.get(data);
            if (count < 1 || index < 0 || index >= count || samples < 0 || values < 0 || (width != 4 && width != 8)) {
                throw new IllegalArgumentException("chunk " + index + " of " + count + " with " + samples + " samples, " + values
                        + " values of " + width + " bytes is inconsistent");
            }
            return new Chunk(model, spec, round, shard, index, count, samples, width == 8 ? DataType.DOUBLE : DataType.FLOAT, values, sha, data);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("sync record of " + value.length + " bytes is truncated");
        }
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
