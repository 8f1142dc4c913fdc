// Publishes a model's current weights to the compacted model-versions topic: chunks of ≤ 512 KiB, then a manifest.
package io.neurostream.app.versions;

import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.core.codec.SnapshotChunks;
import io.neurostream.core.net.Network;
import io.neurostream.schemas.ModelVersionPart;
import io.neurostream.schemas.ModelVersionRecord;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Every {@code neurostream.publish.interval.batches} optimizer steps (when the model's step becomes
 * a multiple of it), and when a record on the models topic asks for it, the training processor
 * forwards the weights — no optimizer state — to its model-versions sink, so with exactly-once they are committed in the same transaction as the
 * input offsets and a read_committed reader never sees half of them. The version is the model
 * step: the weights that predicted every {@code Prediction} whose modelStep equals it. Each chunk
 * carries the version and the SHA-256 of the whole payload, so a reader detects chunks that
 * compaction left from another version; the manifest, written last, carries the spec.
 */
public final class ModelPublisher {
    /**
     * Header of a models-topic record that asks for a version now ({@code models publish NAME}): the
     * record carries the model's current spec unchanged, so it changes nothing else.
     */
    public static final String PUBLISH_HEADER = "neurostream.publish";
    private final int intervalBatches;
    private final String sink;

    /** @param intervalBatches steps between versions; 0 publishes nothing */
    public ModelPublisher(int intervalBatches, String sink) {
        this.intervalBatches = intervalBatches;
        this.sink = sink;
    }

    /**
     * Whether going from step {@code stepsBefore} to {@code stepsAfter} reaches or passes a multiple of the interval: one step
     * (a batch trained) or several (a replica's round, then its merge).
     */
    public boolean due(long stepsBefore, long stepsAfter) {
        return intervalBatches > 0 && stepsAfter / intervalBatches > stepsBefore / intervalBatches;
    }

    /**
     * Forwards the model's weights to the sink when its step, since {@code stepsBefore}, reached a version to publish.
     */
    public void publishIfDue(String model, Network net, long stepsBefore, long timestamp, ProcessorContext<byte[], byte[]> context) {
        if (due(stepsBefore, net.counters().steps())) {
            forward(model, net, timestamp, context);
        }
    }

    /**
     * Forwards the model's current weights as version {@code version} when going from {@code versionBefore} to it reaches a version
     * to publish (a replicated model's merged model: its version counts the mini-batches each replica trained to reach it).
     */
    public void publishIfDue(String model, Network net, long versionBefore, long version, long timestamp, ProcessorContext<byte[], byte[]> context) {
        if (due(versionBefore, version)) {
            for (KeyValue<byte[], byte[]> kv : records(model, net, version, context.currentSystemTimeMs(), SnapshotChunks.MAX_CHUNK_BYTES)) {
                context.forward(new Record<>(kv.key, kv.value, timestamp), sink);
            }
        }
    }

    /** Forwards the model's current weights to the sink if the record asks for it ({@link #PUBLISH_HEADER}). */
    public void publishIfRequested(Headers headers, String model, Network net, long timestamp, ProcessorContext<byte[], byte[]> context) {
        if (headers.lastHeader(PUBLISH_HEADER) != null) {
            forward(model, net, timestamp, context);
        }
    }

    private void forward(String model, Network net, long timestamp, ProcessorContext<byte[], byte[]> context) {
        for (KeyValue<byte[], byte[]> kv : records(model, net, context.currentSystemTimeMs(), SnapshotChunks.MAX_CHUNK_BYTES)) {
            context.forward(new Record<>(kv.key, kv.value, timestamp), sink);
        }
    }

    /** The chunks of the model's current weights in order, then the manifest. */
    public static List<KeyValue<byte[], byte[]>> records(String model, Network net, long publishedAtMillis, int chunkBytes) {
        return records(model, net, net.counters().steps(), publishedAtMillis, chunkBytes);
    }

    /** The same as version {@code version}. */
    static List<KeyValue<byte[], byte[]>> records(String model, Network net, long version, long publishedAtMillis, int chunkBytes) {
        byte[] payload = WeightsCodec.encode(net);
        ByteBuffer sha = ByteBuffer.wrap(sha256(payload));
        int count = Math.max(1, (payload.length + chunkBytes - 1) / chunkBytes);
        Instant at = Instant.ofEpochMilli(publishedAtMillis);
        List<KeyValue<byte[], byte[]>> out = new ArrayList<>(count + 1);
        for (int i = 0; i < count; i++) {
            int from = i * chunkBytes;
            ByteBuffer data = ByteBuffer.wrap(payload, from, Math.min(chunkBytes, payload.length - from)).slice();
            ModelVersionRecord chunk = base(model, version, count, payload.length, sha, at).setPart(ModelVersionPart.CHUNK)
                    .setChunkIndex(i).setData(data).build();
            out.add(KeyValue.pair(ModelVersionKeys.chunk(model, i), NeurostreamSerdes.modelVersion().encode(chunk)));
        }
        ModelVersionRecord manifest = base(model, version, count, payload.length, sha, at).setPart(ModelVersionPart.MANIFEST)
                .setChunkIndex(0).setSpecJson(net.spec().json()).setData(ByteBuffer.allocate(0)).build();
        out.add(KeyValue.pair(ModelVersionKeys.manifest(model), NeurostreamSerdes.modelVersion().encode(manifest)));
        return out;
    }

    private static ModelVersionRecord.Builder base(String model, long version, int count, long total, ByteBuffer sha, Instant at) {
        return ModelVersionRecord.newBuilder().setModel(model).setVersion(version).setChunkCount(count).setTotalBytes(total)
                .setSha256(sha.duplicate()).setPublishedAt(at);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
