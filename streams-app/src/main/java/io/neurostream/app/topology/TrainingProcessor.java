// The one processor that owns the models of a task: validates samples, trains and predicts, journals and snapshots, dead-letters.
package io.neurostream.app.topology;

import io.neurostream.app.metrics.NeurostreamMetrics;
import io.neurostream.app.serde.DecodeResult;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.serde.RecordDecoder;
import io.neurostream.app.state.Head;
import io.neurostream.app.state.JournalEntry;
import io.neurostream.app.state.ModelStore;
import io.neurostream.app.training.ModelRuntime;
import io.neurostream.app.training.Output;
import io.neurostream.app.training.PrequentialStats;
import io.neurostream.app.training.Rejection;
import io.neurostream.app.training.SampleInput;
import io.neurostream.app.versions.ModelPublisher;
import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import io.neurostream.core.spec.SpecException;
import io.neurostream.schemas.ModelSpecRecord;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.Sample;
import io.neurostream.schemas.TrainingMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads two co-partitioned topics: samples (key = model name) and models (ModelSpecRecord per
 * name). Every sample ends as exactly one of: trained (joined a batch), predicted only (no
 * label), dead-lettered (with a reason). Models load lazily from the store: snapshot, then the
 * journal replayed, so the in-memory model always equals what the last committed transaction
 * left (DESIGN.md §4).
 */
final class TrainingProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingProcessor.class);
    static final Duration PUNCTUATE_EVERY = Duration.ofMillis(100);

    private final ProcessorSettings settings;
    private final NeurostreamMetrics metrics;
    private final RecordDecoder<Sample> sampleDecoder = NeurostreamSerdes.sample().decoder();
    private final RecordDecoder<ModelSpecRecord> specDecoder = NeurostreamSerdes.modelSpec().decoder();
    private final Map<String, ModelSlot> models = new HashMap<>();
    private final Output output = new Forwarding();
    private final ModelPublisher publisher;
    private ProcessorContext<byte[], byte[]> context;
    private ModelStore store;

    TrainingProcessor(ProcessorSettings settings, NeurostreamMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        this.publisher = new ModelPublisher(settings.publishIntervalBatches(), NeurostreamTopology.MODEL_VERSIONS_SINK);
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        KeyValueStore<String, byte[]> kv = context.getStateStore(ModelStore.NAME);
        this.store = new ModelStore(kv);
        context.schedule(PUNCTUATE_EVERY, PunctuationType.WALL_CLOCK_TIME, this::flushDuePredictions);
    }

    /** The current model as snapshot bytes, or null if it is not loaded (for tests and tools). */
    byte[] encodedModel(String name) {
        ModelSlot model = models.get(name);
        return model == null ? null : SnapshotCodec.encode(model.runtime.network());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        if (source.topic().equals(settings.topics().models())) {
            onSpec(record, source);
        } else {
            onSample(record, source);
        }
    }

    private void onSample(Record<byte[], byte[]> record, RecordMetadata source) {
        byte[] key = record.key();
        byte[] value = record.value();
        if (key == null || key.length == 0) {
            deadLetter(record, source, null, DeadLetterReason.MISSING_KEY, "record at offset " + source.offset() + " has no key; the key names the model");
            return;
        }
        String modelName = new String(key, StandardCharsets.UTF_8);
        ModelSlot model = load(modelName);
        if (value == null || value.length == 0) {
            deadLetter(record, source, model, DeadLetterReason.EMPTY_VALUE, "record at offset " + source.offset() + " for model " + modelName + " has no value");
            return;
        }
        if (value.length > settings.recordMaxBytes()) {
            deadLetter(record, source, model, DeadLetterReason.RECORD_TOO_LARGE, "record at offset " + source.offset() + " has "
                    + value.length + " bytes, more than " + settings.recordMaxBytes());
            return;
        }
        DecodeResult<Sample> decoded = sampleDecoder.decode(value);
        if (decoded instanceof DecodeResult.Rejected<Sample> rejected) {
            deadLetter(record, source, model, rejected.reason(), "record at offset " + source.offset() + ": " + rejected.message());
            return;
        }
        Sample sample = ((DecodeResult.Decoded<Sample>) decoded).record();
        if (model == null) {
            deadLetter(record, source, null, DeadLetterReason.UNKNOWN_MODEL, "sample " + sample.getId() + ": no model named " + modelName
                    + " (create it on the " + settings.topics().models() + " topic" + (settings.presetsEnabled() ? " or use a preset: "
                    + String.join(", ", Presets.names()) : "") + ")");
            return;
        }
        ModelRuntime runtime = model.runtime;
        Rejection rejection;
        if (SampleInput.isLabelled(sample, runtime.shape())) {
            long stepsBefore = runtime.network().counters().steps();
            rejection = runtime.addLabelled(sample, record.timestamp(), context.currentSystemTimeMs(), output);
            if (rejection == null) {
                store.putJournal(model.name, model.journalSlots, JournalEntry.sample(model.nextSeq++, record.timestamp(), value));
                snapshotIfDue(model);
                publisher.publishIfDue(model.name, runtime.network(), stepsBefore, record.timestamp(), context);
                return;
            }
        } else {
            rejection = runtime.predictOnly(sample, record.timestamp(), output);
            if (rejection == null) {
                store.putHead(model.name, model.head()); // the predicted counter
                return;
            }
        }
        deadLetter(record, source, model, rejection.reason(), rejection.message());
    }

    private void flushDuePredictions(long wallClockMillis) {
        for (ModelSlot model : models.values()) {
            if (model.runtime.flushDue(wallClockMillis)) {
                model.runtime.flush(output);
                store.putJournal(model.name, model.journalSlots, JournalEntry.flush(model.nextSeq++, wallClockMillis));
            }
        }
    }

    private void snapshotIfDue(ModelSlot model) {
        if (!model.runtime.snapshotDue(settings.snapshotIntervalBatches())) {
            return;
        }
        long start = System.nanoTime();
        byte[] snapshot = SnapshotCodec.encode(model.runtime.network());
        store.putSnapshot(model.name, snapshot, model.runtime.stats().encode());
        model.snapshotSeq = model.nextSeq;
        model.journalSlots = settings.journalSlots(model.runtime.network().spec().batchSize());
        model.runtime.snapshotTaken();
        store.putHead(model.name, model.head());
        metrics.model(model.name).snapshot(snapshot.length, System.nanoTime() - start);
    }

    /** The model of this name: in memory, restored from the store, new from a preset, or null if unknown. */
    private ModelSlot load(String name) {
        ModelSlot loaded = models.get(name);
        if (loaded != null) {
            return loaded;
        }
        String json = store.spec(name);
        if (json == null) {
            if (!settings.presetsEnabled() || !Presets.exists(name)) {
                return null;
            }
            json = Presets.json(name);
            store.putSpec(name, json);
        }
        ModelSlot model = restore(name, json);
        models.put(name, model);
        return model;
    }

    private ModelSlot restore(String name, String json) {
        long start = System.nanoTime();
        ModelSpec spec = ModelSpec.parse(json);
        Head head = store.head(name);
        int slots = settings.journalSlots(spec.batchSize());
        if (head == null) {
            head = Head.fresh(slots);
            store.putHead(name, head); // the ring size its first journal entries are written with
        }
        byte[] snapshot = store.snapshot(name);
        Network net = snapshot == null ? Network.create(spec) : SnapshotCodec.decode(snapshot);
        if (!net.spec().json().equals(json)) {
            throw new IllegalStateException("model " + name + ": the stored snapshot was made from another spec than the stored one");
        }
        byte[] savedStats = store.stats(name);
        PrequentialStats stats = savedStats == null
                ? new PrequentialStats(settings.runtime().fadingFactor(), settings.runtime().window())
                : PrequentialStats.decode(savedStats, settings.runtime().fadingFactor(), settings.runtime().window());
        ModelRuntime runtime = new ModelRuntime(net, stats, head.predicted(), head.deadLettered(), settings.runtime(), metrics.model(name));
        ModelSlot model = new ModelSlot(name, json, runtime, head);
        replayJournal(model, head.nextSeq());
        if (model.nextSeq == model.snapshotSeq && model.journalSlots != slots) {
            model.journalSlots = slots; // the ring can change size (a new snapshot interval) while it is empty
            store.putHead(name, model.head());
        }
        long nanos = System.nanoTime() - start;
        metrics.model(name).restored(nanos, net.counters().steps());
        if (model.nextSeq > 0) {
            LOG.info("model {}: restored at step {} from {} and {} journal entries in {} ms", name, net.counters().steps(),
                    snapshot == null ? "its spec" : "a " + snapshot.length + "-byte snapshot", model.nextSeq - model.snapshotSeq, nanos / 1_000_000);
        }
        return model;
    }

    /**
     * Replays the journal from the snapshot on and sets where it ends: at or after the head's
     * {@code nextSeq}, where the entries stop following on (the head is not rewritten per entry).
     */
    private void replayJournal(ModelSlot model, long recordedEnd) {
        model.runtime.replaying(true);
        try {
            long seq = model.snapshotSeq;
            for (JournalEntry entry; (entry = store.journal(model.name, seq, model.journalSlots)) != null; seq++) {
                if (entry.isFlush()) {
                    model.runtime.flush(Output.NONE);
                    continue;
                }
                DecodeResult<Sample> decoded = sampleDecoder.decode(entry.sample());
                if (!(decoded instanceof DecodeResult.Decoded<Sample> ok)
                        || model.runtime.addLabelled(ok.record(), entry.timestamp(), context.currentSystemTimeMs(), Output.NONE) != null) {
                    throw new IllegalStateException("model " + model.name + ": journal entry " + seq + " no longer decodes or validates");
                }
            }
            if (seq < recordedEnd) {
                throw new IllegalStateException("model " + model.name + ": journal entry " + seq + " is missing (the head records entries up to "
                        + recordedEnd + "); the state store is inconsistent");
            }
            model.nextSeq = seq;
        } finally {
            model.runtime.replaying(false);
        }
    }

    private void onSpec(Record<byte[], byte[]> record, RecordMetadata source) {
        String name = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (name == null || name.isEmpty()) {
            deadLetter(record, source, null, DeadLetterReason.MISSING_KEY, "model spec at offset " + source.offset() + " has no key; the key names the model");
            return;
        }
        if (record.value() == null) {
            replace(name, null);
            LOG.info("model {}: deleted (tombstone on {})", name, source.topic());
            return;
        }
        DecodeResult<ModelSpecRecord> decoded = specDecoder.decode(record.value());
        if (decoded instanceof DecodeResult.Rejected<ModelSpecRecord> rejected) {
            deadLetter(record, source, null, rejected.reason(), "model spec at offset " + source.offset() + ": " + rejected.message());
            return;
        }
        String json = ((DecodeResult.Decoded<ModelSpecRecord>) decoded).record().getSpecJson();
        ModelSpec spec;
        try {
            spec = ModelSpec.parse(json);
        } catch (SpecException e) {
            deadLetter(record, source, null, DeadLetterReason.INVALID_MODEL_SPEC, "model spec " + name + ": " + e.getMessage());
            return;
        }
        if (!spec.name().equals(name)) {
            deadLetter(record, source, null, DeadLetterReason.INVALID_MODEL_SPEC, "model spec keyed " + name + " names model " + spec.name());
            return;
        }
        String previous = store.spec(name);
        if (json.equals(previous)) {
            return;
        }
        replace(name, json);
        if (previous == null) {
            LOG.info("model {}: created from its spec on {}", name, source.topic());
        } else {
            LOG.info("model {}: new spec from {}; the model starts again from it", name, source.topic());
        }
    }

    /**
     * Replaces a model's spec (or deletes the model when json is null). The old model first trains
     * on its pending samples, so every accepted sample ends trained; then its snapshot and journal
     * are discarded and the next sample starts the new model from its spec.
     */
    private void replace(String name, String json) {
        ModelSlot old = load(name);
        if (old != null) {
            old.runtime.trainPending(output);
            models.remove(name);
        }
        Head previous = old != null ? old.head() : store.head(name);
        store.deleteSnapshot(name);
        if (json == null) {
            store.deleteSpec(name);
        } else {
            store.putSpec(name, json);
        }
        if (previous != null) {
            store.putHead(name, new Head(previous.nextSeq(), previous.nextSeq(), previous.journalSlots(), previous.predicted(), previous.deadLettered()));
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, RecordMetadata source, ModelSlot model, DeadLetterReason reason, String message) {
        String modelName = model == null ? null : model.name;
        byte[] value = DeadLetters.encode(source, reason, message, modelName, record.key(), record.value(), record.timestamp());
        context.forward(new Record<>(record.key(), value, record.timestamp()), NeurostreamTopology.DEAD_LETTERS_SINK);
        metrics.model(modelName).deadLettered(reason.name());
        if (model != null) {
            model.runtime.countDeadLetter();
            store.putHead(model.name, model.head());
        }
    }

    /** Sends predictions and metrics to their sinks, keyed by model name. */
    private final class Forwarding implements Output {
        @Override
        public void prediction(Prediction prediction, long timestamp) {
            context.forward(new Record<>(prediction.getModel().getBytes(StandardCharsets.UTF_8),
                    NeurostreamSerdes.prediction().encode(prediction), timestamp), NeurostreamTopology.PREDICTIONS_SINK);
        }

        @Override
        public void metrics(TrainingMetrics metrics, long timestamp) {
            context.forward(new Record<>(metrics.getModel().getBytes(StandardCharsets.UTF_8),
                    NeurostreamSerdes.trainingMetrics().encode(metrics), timestamp), NeurostreamTopology.METRICS_SINK);
        }
    }
}
