// One training processor on a given store, driven record by record as a task would (MockProcessorContext, no driver).
package io.neurostream.app.topology;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.metrics.NeurostreamMetrics;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.state.ModelStore;
import io.neurostream.schemas.DeadLetter;
import io.neurostream.schemas.ModelSpecRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

final class ProcessorTask {
    final MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
    final NeurostreamMetrics metrics = new NeurostreamMetrics(new SimpleMeterRegistry());
    final TrainingProcessor processor;
    long offset;

    ProcessorTask(KeyValueStore<String, byte[]> store, long firstOffset, Map<String, String> settings) {
        this.offset = firstOffset;
        if (!store.isOpen()) {
            store.init(context.getStateStoreContext(), store);
        }
        context.addStateStore(store);
        NeurostreamConfig config = NeurostreamConfig.load(null, settings);
        processor = new TrainingProcessor(ProcessorSettings.from(config), metrics);
        processor.init(context);
    }

    /** What a task does after an aborted transaction: close the processor, roll the store back to the last commit, init again. */
    void abortAndReinit(KeyValueStore<String, byte[]> store, Map<String, byte[]> committed) {
        processor.close();
        List<String> keys = new ArrayList<>();
        try (var all = store.all()) {
            all.forEachRemaining(kv -> keys.add(kv.key));
        }
        keys.forEach(store::delete);
        committed.forEach(store::put);
        context.resetForwards();
        processor.init(context);
    }

    /** The store's contents, as a commit leaves them. */
    static Map<String, byte[]> commit(KeyValueStore<String, byte[]> store) {
        Map<String, byte[]> out = new java.util.HashMap<>();
        try (var all = store.all()) {
            all.forEachRemaining(kv -> out.put(kv.key, kv.value));
        }
        return out;
    }

    static KeyValueStore<String, byte[]> newStore() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ModelStore.NAME), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
    }

    void send(String model, byte[] value) {
        context.setCurrentSystemTimeMs(offset);
        context.setRecordMetadata("samples", 0, offset++);
        processor.process(new Record<>(model.getBytes(StandardCharsets.UTF_8), value, offset));
    }

    /** A record on the labels topic (delayed labels), stamped like a sample with its offset. */
    void sendLabel(String model, byte[] value) {
        context.setCurrentSystemTimeMs(offset);
        context.setRecordMetadata("labels", 0, offset++);
        processor.process(new Record<>(model.getBytes(StandardCharsets.UTF_8), value, offset));
    }

    /** A spec record (or a tombstone for null json) on the models topic. */
    void sendSpec(String model, String json) {
        byte[] value = json == null ? null : NeurostreamSerdes.modelSpec().encode(
                ModelSpecRecord.newBuilder().setName(model).setSpecJson(json).setCreatedAt(Instant.ofEpochMilli(offset)).build());
        context.setCurrentSystemTimeMs(offset);
        context.setRecordMetadata("models", 0, offset++);
        processor.process(new Record<>(model.getBytes(StandardCharsets.UTF_8), value, offset));
    }

    /** Runs the wall-clock punctuator, as Kafka Streams does between records. */
    void punctuate() {
        punctuate(offset);
    }

    /** Runs the wall-clock punctuator as if the wall clock read this (records arrive at their offset in milliseconds). */
    void punctuate(long wallClockMillis) {
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(wallClockMillis);
    }

    List<Record<byte[], byte[]>> outputs() {
        List<Record<byte[], byte[]>> out = new ArrayList<>();
        context.forwarded().forEach(f -> out.add(new Record<>(f.record().key(), f.record().value(), f.record().timestamp())));
        context.resetForwards();
        return out;
    }

    /** The dead letters forwarded so far (and forgets every output). */
    List<DeadLetter> deadLetters() {
        List<DeadLetter> out = new ArrayList<>();
        context.forwarded().forEach(f -> {
            if (NeurostreamTopology.DEAD_LETTERS_SINK.equals(f.childName().orElse(null))) {
                out.add(NeurostreamSerdes.deadLetter().deserializer().deserialize("d", f.record().value()));
            }
        });
        context.resetForwards();
        return out;
    }
}
