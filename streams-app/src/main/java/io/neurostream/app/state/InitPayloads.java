// The initial weights of a model created with `models create --init-from`: chunks on the models topic, kept in the store until its spec arrives.
package io.neurostream.app.state;

import io.neurostream.app.records.ReplicaKeys;
import io.neurostream.app.versions.WeightsCodec;
import io.neurostream.core.codec.SnapshotChunks;
import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.ModelLimits;
import io.neurostream.core.spec.ModelSpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The payload is the {@link WeightsCodec} encoding of {@code Network.create(spec)} with the imported
 * weights (step 0, no optimizer state). {@code models create --init-from} writes it, in one
 * transaction, as records keyed {@code NAME/init/I} on the models topic (chunks of
 * {@link #CHUNK_BYTES}, the last one shorter, each in an envelope carrying the SHA-256 of the whole
 * payload, the chunk count, its index and the payload's length), then the spec record keyed
 * {@code NAME} with the header {@link #HEADER} = {@code "SHA256HEX COUNT"}; all in the partition of
 * NAME. The training processor stores each chunk under its key (model names never contain '/', so
 * these keys are apart from those of {@link ModelStore}) and, when the spec arrives, {@link #take}s
 * them: reassembled, checked against the header and the spec, and deleted. The model then starts
 * from them as from a snapshot at step 0.
 *
 * <p>Bounded: a chunk that a model within the limits cannot need (an index or a length beyond
 * {@code 8 x neurostream.model.max.parameters} plus a spec) is refused, so the chunks kept for one
 * name never exceed one such payload.
 */
public final class InitPayloads {
    /** Header of the spec record naming its initial weights: {@code "SHA256HEX COUNT"}. */
    public static final String HEADER = "neurostream.init";
    /** Size of every chunk but the last. */
    public static final int CHUNK_BYTES = SnapshotChunks.MAX_CHUNK_BYTES;
    private static final String INFIX = "/init/";
    private static final byte[] MAGIC = {'N', 'S', 'I', 'C'};
    private static final int VERSION = 1;
    private static final int SHA_BYTES = 32;
    /** magic, version, sha-256, chunk count, chunk index, payload length. */
    private static final int ENVELOPE_BYTES = MAGIC.length + 2 + SHA_BYTES + 4 + 4 + 8;

    private final KeyValueStore<String, byte[]> kv;
    private final long maxPayloadBytes;
    private final int maxChunks;

    /**
     * @param limits       the largest model accepted: its weights (at most 8 bytes per parameter value) bound a payload
     * @param specMaxBytes the largest spec record (neurostream.record.max.bytes), which bounds the spec in a payload
     */
    public InitPayloads(KeyValueStore<String, byte[]> kv, ModelLimits limits, int specMaxBytes) {
        this.kv = kv;
        this.maxPayloadBytes = 8 * limits.maxParameters() + specMaxBytes + 64;
        this.maxChunks = Math.toIntExact((maxPayloadBytes + CHUNK_BYTES - 1) / CHUNK_BYTES);
    }

    // ---- writing them (models create --init-from)

    /** The chunk records of a payload, in order, as (key, value). */
    public static List<KeyValue<String, byte[]>> chunks(String model, byte[] payload) {
        byte[] sha = sha256(payload);
        int count = chunkCount(payload.length);
        List<KeyValue<String, byte[]>> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = i * CHUNK_BYTES;
            int length = Math.min(CHUNK_BYTES, payload.length - from);
            ByteBuffer value = ByteBuffer.allocate(ENVELOPE_BYTES + length).order(ByteOrder.LITTLE_ENDIAN)
                    .put(MAGIC).putShort((short) VERSION).put(sha).putInt(count).putInt(i).putLong(payload.length).put(payload, from, length);
            out.add(KeyValue.pair(model + INFIX + i, value.array()));
        }
        return out;
    }

    /** The value of {@link #HEADER} for a payload. */
    public static byte[] header(byte[] payload) {
        return (HexFormat.of().formatHex(sha256(payload)) + " " + chunkCount(payload.length)).getBytes(StandardCharsets.UTF_8);
    }

    /** How many chunks a payload of this length is written in. */
    public static int chunkCount(long length) {
        return Math.toIntExact(Math.max(1, (length + CHUNK_BYTES - 1) / CHUNK_BYTES));
    }

    // ---- reading them (the training processor)

    /** Whether a models-topic key is a chunk's ({@code NAME/init/I}) rather than a spec's. */
    public static boolean isChunkKey(byte[] key) {
        return key != null && new String(key, StandardCharsets.UTF_8).contains(INFIX);
    }

    /**
     * Stores a chunk record (a null value deletes the chunk kept under its key).
     *
     * @return null, or the one-line reason the record is refused (then nothing is stored)
     */
    public String put(String key, byte[] value) {
        int at = key.indexOf(INFIX);
        String model = key.substring(0, at);
        String index = key.substring(at + INFIX.length());
        if (!ModelSpec.isValidName(model) && !isReplicaKey(model)) {
            return "initial-weights chunk keyed " + printable(key) + ": " + printable(model) + " is not a valid model name";
        }
        if (!index.matches("0|[1-9][0-9]{0,8}") || Integer.parseInt(index) >= maxChunks) {
            return "initial-weights chunk keyed " + printable(key) + ": the chunk index must be a number below " + maxChunks
                    + " (a model within the limits needs no more chunks)";
        }
        if (value == null) {
            kv.delete(key);
            return null;
        }
        String problem = checkEnvelope(value, Integer.parseInt(index));
        if (problem != null) {
            return "initial-weights chunk " + key + " (" + value.length + " bytes): " + problem;
        }
        kv.put(key, value);
        return null;
    }

    private String checkEnvelope(byte[] value, int index) {
        if (value.length < ENVELOPE_BYTES || !Arrays.equals(Arrays.copyOf(value, MAGIC.length), MAGIC)) {
            return "not an initial-weights chunk (no \"NSIC\" magic)";
        }
        ByteBuffer in = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).position(MAGIC.length);
        int version = Short.toUnsignedInt(in.getShort());
        if (version != VERSION) {
            return "chunk format " + version + " is not supported (this build reads " + VERSION + ")";
        }
        in.position(in.position() + SHA_BYTES);
        int count = in.getInt();
        int recorded = in.getInt();
        long length = in.getLong();
        if (length < 1 || length > maxPayloadBytes) {
            return "a payload of " + length + " bytes is beyond what a model within the limits needs (" + maxPayloadBytes + ")";
        }
        if (count != chunkCount(length) || recorded != index) {
            return "chunk " + recorded + " of " + count + " does not fit its key's index " + index + " and a payload of " + length + " bytes";
        }
        long expected = Math.min(CHUNK_BYTES, length - (long) index * CHUNK_BYTES);
        if (value.length - ENVELOPE_BYTES != expected) {
            return "carries " + (value.length - ENVELOPE_BYTES) + " bytes of the payload, expected " + expected;
        }
        return null;
    }

    /** The snapshot a model starts from, or why its initial weights cannot be used (one line). */
    public record Taken(byte[] snapshot, String problem) {}

    /**
     * Reassembles the initial weights the spec record's {@link #HEADER} names, checks them against
     * that header and the spec, and deletes every chunk kept for the model (used or not).
     *
     * @return the snapshot of the model at step 0 with those weights, or the problem
     */
    public Taken take(String key, ModelSpec spec, byte[] header) {
        try {
            return new Taken(snapshot(key, spec, header), null);
        } catch (IllegalArgumentException e) {
            return new Taken(null, "model " + key + ": initial weights " + e.getMessage());
        } finally {
            discard(key);
        }
    }

    /** A replica's key NAME#s, whose spec and initial-weight chunks ({@code NAME#s/init/I}) are keyed like a model's. */
    private static boolean isReplicaKey(String key) {
        try {
            ReplicaKeys.Shard shard = ReplicaKeys.parse(key);
            return shard != null && ModelSpec.isValidName(shard.model());
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    private byte[] snapshot(String key, ModelSpec spec, byte[] header) {
        String[] named = new String(header, StandardCharsets.UTF_8).split(" ");
        if (named.length != 2 || !named[0].matches("[0-9a-f]{64}") || !named[1].matches("[1-9][0-9]{0,8}")) {
            throw new IllegalArgumentException("unreadable: header " + HEADER + " must be \"SHA256HEX COUNT\"");
        }
        byte[] sha = HexFormat.of().parseHex(named[0]);
        int count = Integer.parseInt(named[1]);
        if (count > maxChunks) {
            throw new IllegalArgumentException("in " + count + " chunks: more than a model within the limits needs (" + maxChunks + ")");
        }
        String what = "(sha256 " + named[0].substring(0, 12) + "…, " + count + " chunks)";
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            byte[] chunk = kv.get(key + INFIX + i);
            if (chunk == null) {
                throw new IllegalArgumentException(what + ": chunk " + i + " is missing (write the model again with models create --init-from)");
            }
            ByteBuffer in = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN).position(MAGIC.length + 2);
            byte[] chunkSha = new byte[SHA_BYTES];
            in.get(chunkSha);
            if (!Arrays.equals(chunkSha, sha) || in.getInt() != count) {
                throw new IllegalArgumentException(what + ": chunk " + i + " belongs to other initial weights (write the model again)");
            }
            payload.write(chunk, ENVELOPE_BYTES, chunk.length - ENVELOPE_BYTES);
        }
        byte[] bytes = payload.toByteArray();
        if (!Arrays.equals(sha256(bytes), sha)) {
            throw new IllegalArgumentException(what + " are corrupted: the SHA-256 of the " + bytes.length + " bytes reassembled differs");
        }
        if (!spec.json().equals(embeddedSpec(bytes))) { // checked before anything is built from the payload
            throw new IllegalArgumentException(what + " were made for another spec than this one");
        }
        Network net;
        try {
            net = WeightsCodec.decode(bytes);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(what + " do not decode: " + e.getMessage(), e);
        }
        if (net.counters().steps() != 0) {
            throw new IllegalArgumentException(what + " are at step " + net.counters().steps() + ", not 0");
        }
        return SnapshotCodec.encode(net);
    }

    /** The spec JSON at the start of a {@link WeightsCodec} payload ("NSWT" | u16 format | u32 n + JSON), or null. */
    private static String embeddedSpec(byte[] payload) {
        if (payload.length < 10 || payload[0] != 'N' || payload[1] != 'S' || payload[2] != 'W' || payload[3] != 'T') {
            return null;
        }
        int n = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).getInt(6);
        return n < 0 || n > payload.length - 10 ? null : new String(payload, 10, n, StandardCharsets.UTF_8);
    }

    /** Deletes every chunk kept for a model. */
    public void discard(String model) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = kv.prefixScan(model + INFIX, new StringSerializer())) {
            it.forEachRemaining(e -> keys.add(e.key));
        }
        keys.forEach(kv::delete);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    private static String printable(String s) {
        String cut = s.length() > 140 ? s.substring(0, 140) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
