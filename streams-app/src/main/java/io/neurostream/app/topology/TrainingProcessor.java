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
import io.neurostream.schemas.DriftEvent;
import io.neurostream.schemas.ModelSpecRecord;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.Sample;
import io.neurostream.schemas.TrainingMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.KafkaException;
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
    private static final int MAX_LOGGED_UNKNOWN_NAMES = 100;
    static final int MAX_ID_CHARS = 1024;
    private static final String RECOVERY = "; write its spec again (neurostream models create) to start it afresh, or a tombstone to delete it";

    private final ProcessorSettings settings;
    private final NeurostreamMetrics metrics;
    private final RecordDecoder<Sample> sampleDecoder = NeurostreamSerdes.sample().decoder();
    private final RecordDecoder<ModelSpecRecord> specDecoder = NeurostreamSerdes.modelSpec().decoder();
    /** The models in memory, least recently used first (at most settings.maxLoadedModels()). */
    private final Map<String, ModelSlot> models = new LinkedHashMap<>(16, 0.75f, true);
    /** Models that cannot be used, with the one-line reason their samples are dead-lettered with. */
    private final Map<String, String> quarantined = new HashMap<>();
    /** Unknown model names already logged (bounded: the names come from sample keys). */
    private final Set<String> unknownNames = new HashSet<>();
    private final Output output = new Forwarding();
    private final ModelPublisher publisher;
    private ProcessorContext<byte[], byte[]> context;
    private ModelStore store;

    TrainingProcessor(ProcessorSettings settings, NeurostreamMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        this.publisher = new ModelPublisher(settings.publishIntervalBatches(), NeurostreamTopology.MODEL_VERSIONS_SINK);
    }

    /**
     * Also called again on the same processor after {@link #close()}, when Kafka Streams
     * re-initialises a task (after an aborted transaction the store is rolled back to the last
     * commit): nothing in memory is kept, so every model is restored from the store and never runs
     * ahead of what was committed.
     */
    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        forget();
        this.context = context;
        KeyValueStore<String, byte[]> kv = context.getStateStore(ModelStore.NAME);
        this.store = new ModelStore(kv);
        context.schedule(PUNCTUATE_EVERY, PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
    }

    /** Releases the models, the quarantine marks and the store (they are restored from the store on the next init). */
    @Override
    public void close() {
        forget();
        store = null;
        context = null;
    }

    private void forget() {
        models.clear();
        for (String name : quarantined.keySet()) {
            metrics.model(name).quarantined(false);
        }
        quarantined.clear();
        unknownNames.clear();
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
        if (key.length > DeadLetters.MAX_KEY_BYTES) {
            deadLetter(record, source, null, DeadLetterReason.KEY_TOO_LONG, "record at offset " + source.offset() + " has a key of " + key.length
                    + " bytes, more than " + DeadLetters.MAX_KEY_BYTES + "; the key names the model");
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
        if (sample.getId().length() > MAX_ID_CHARS) {
            deadLetter(record, source, model, DeadLetterReason.ID_TOO_LONG, "record at offset " + source.offset() + ": the sample id has "
                    + sample.getId().length() + " characters, more than " + MAX_ID_CHARS + " (predictions carry it)");
            return;
        }
        if (model == null) {
            String unavailable = quarantined.get(modelName);
            if (unavailable != null) {
                deadLetter(record, source, modelName, modelName, DeadLetterReason.MODEL_UNAVAILABLE, "sample " + sample.getId() + ": " + unavailable);
                return;
            }
            if (unknownNames.size() < MAX_LOGGED_UNKNOWN_NAMES && unknownNames.add(modelName)) {
                LOG.warn("samples keyed \"{}\" are dead-lettered as UNKNOWN_MODEL: no model of that name{}", DeadLetters.printable(modelName),
                        unknownNames.size() < MAX_LOGGED_UNKNOWN_NAMES ? " (logged once per name)"
                                : " (logged once per name; this is the last name logged, see the dead-letters topic for more)");
            }
            deadLetter(record, source, null, modelName, DeadLetterReason.UNKNOWN_MODEL, "sample " + sample.getId() + ": no model named " + modelName
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

    /**
     * Closes the partial batches that waited {@code neurostream.batch.max.delay.ms}, flushes the
     * predictions that waited {@code neurostream.prediction.max.delay.ms}, and writes the metrics
     * records due. Its outputs and store writes go through the task's context, so they commit in
     * the task's transaction like those of a record; a close and a flush are journaled, so a
     * restore replays them where they happened, whatever the clock says then.
     */
    private void onWallClock(long wallClockMillis) {
        for (ModelSlot model : models.values()) {
            ModelRuntime runtime = model.runtime;
            if (runtime.closeDue(wallClockMillis)) {
                long stepsBefore = runtime.network().counters().steps();
                runtime.trainPending(output);
                store.putJournal(model.name, model.journalSlots, JournalEntry.close(model.nextSeq++, wallClockMillis));
                snapshotIfDue(model);
                publisher.publishIfDue(model.name, runtime.network(), stepsBefore, wallClockMillis, context);
            } else if (runtime.flushDue(wallClockMillis)) {
                runtime.flush(output);
                store.putJournal(model.name, model.journalSlots, JournalEntry.flush(model.nextSeq++, wallClockMillis));
            }
            runtime.reportIfDue(wallClockMillis, output);
        }
    }

    private void snapshotIfDue(ModelSlot model) {
        if (!model.runtime.snapshotDue(settings.snapshotIntervalBatches())) {
            return;
        }
        long start = System.nanoTime();
        byte[] snapshot = SnapshotCodec.encode(model.runtime.network());
        int generation = 1 - model.generation; // the newest becomes the one before it
        int slots = settings.journalSlots(model.runtime.network().spec().batchSize());
        store.putSnapshot(model.name, generation, snapshot, model.runtime.stats().encode());
        store.putDrift(model.name, generation, model.runtime.driftState());
        // a resized ring no longer holds the entries since the older generation at their places
        model.previousSnapshotSeq = model.journalSlots == slots ? model.snapshotSeq : Head.NONE;
        model.snapshotSeq = model.nextSeq;
        model.generation = generation;
        model.journalSlots = slots;
        model.runtime.snapshotTaken();
        store.putHead(model.name, model.head());
        metrics.model(model.name).snapshot(snapshot.length, System.nanoTime() - start);
    }

    /**
     * The model of this name: in memory, restored from the store, new from a preset; or null if
     * unknown or quarantined (then {@link #quarantined} holds why). A model that cannot be
     * restored is quarantined instead of failing the task: only errors of Kafka itself (the
     * transaction, the changelog) go on up.
     */
    private ModelSlot load(String name) {
        ModelSlot loaded = models.get(name);
        if (loaded != null || quarantined.containsKey(name)) {
            return loaded;
        }
        String json = store.spec(name);
        if (json == null) {
            String rejected = store.rejected(name);
            if (rejected != null) {
                quarantine(name, rejected);
                return null;
            }
            if (!settings.presetsEnabled() || !Presets.exists(name)) {
                return null;
            }
            json = Presets.json(name);
            store.putSpec(name, json);
        }
        ModelSlot model;
        try {
            model = restore(name, json);
        } catch (KafkaException e) {
            throw e;
        } catch (RuntimeException | OutOfMemoryError e) {
            quarantine(name, "model " + name + " cannot be restored: " + oneLine(e) + RECOVERY);
            return null;
        }
        models.put(name, model);
        evictBeyondBudget();
        return model;
    }

    /**
     * Keeps at most {@code neurostream.models.max.loaded} models in memory: the least recently used
     * go (the most recent stays). Nothing is lost: its pending predictions are flushed first (and
     * the flush journaled), and the store's snapshot and journal restore it bit for bit on its next
     * sample, as after a restart.
     */
    private void evictBeyondBudget() {
        for (Iterator<ModelSlot> it = models.values().iterator(); models.size() > settings.maxLoadedModels() && it.hasNext(); ) {
            ModelSlot model = it.next();
            if (model.runtime.hasUnemitted()) {
                model.runtime.flush(output);
                store.putJournal(model.name, model.journalSlots, JournalEntry.flush(model.nextSeq++, context.currentSystemTimeMs()));
            }
            store.putHead(model.name, model.head());
            it.remove();
            LOG.debug("model {}: evicted from memory ({} models loaded at most)", model.name, settings.maxLoadedModels());
        }
    }

    /** Marks a model unavailable: its samples are dead-lettered as MODEL_UNAVAILABLE with this reason until a new spec or a tombstone. */
    private void quarantine(String name, String problem) {
        String reason = DeadLetters.printable(problem);
        quarantined.put(name, reason);
        metrics.model(name).quarantined(true);
        LOG.warn("model {} quarantined: {}", name, reason);
    }

    private void endQuarantine(String name) {
        if (quarantined.remove(name) != null) {
            metrics.model(name).quarantined(false);
            LOG.info("model {}: quarantine ended", name);
        }
        store.deleteRejected(name);
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    /**
     * Restores a model from its newest snapshot generation and the journal since; when that does not
     * restore (a corrupt chunk), from the generation before it and the journal since that one,
     * which gives the same model bit for bit. Throws when neither does.
     */
    private ModelSlot restore(String name, String json) {
        long start = System.nanoTime();
        ModelSpec spec = ModelSpec.parse(json);
        settings.limits().check(spec);
        Head head = store.head(name);
        int slots = settings.journalSlots(spec.batchSize());
        if (head == null) {
            head = Head.fresh(slots);
            store.putHead(name, head); // the ring size its first journal entries are written with
        }
        ModelSlot model;
        try {
            model = restoreGeneration(spec, head, head.generation(), head.snapshotSeq());
        } catch (KafkaException e) {
            throw e;
        } catch (RuntimeException e) {
            if (head.previousSnapshotSeq() == Head.NONE) {
                throw e;
            }
            int older = 1 - head.generation();
            LOG.warn("model {}: the newest snapshot does not restore ({}); restoring from the one before it and the journal since", name, oneLine(e));
            model = restoreGeneration(spec, head, older, head.previousSnapshotSeq());
            model.generation = older; // the next snapshot overwrites the unreadable one
            model.previousSnapshotSeq = Head.NONE;
            store.putHead(name, model.head());
        }
        if (model.nextSeq == model.snapshotSeq && model.journalSlots != slots) {
            model.journalSlots = slots; // the ring can change size (a new snapshot interval) while it is empty
            model.previousSnapshotSeq = Head.NONE;
            store.putHead(name, model.head());
        }
        long nanos = System.nanoTime() - start;
        Network net = model.runtime.network();
        metrics.model(name).restored(nanos, net.counters().steps());
        if (model.nextSeq > 0) {
            LOG.info("model {}: restored at step {} from snapshot generation {} and {} journal entries in {} ms", name, net.counters().steps(),
                    model.generation, model.nextSeq - model.snapshotSeq, nanos / 1_000_000);
        }
        return model;
    }

    /** The model from one snapshot generation (or the spec, when that generation has no snapshot) and the journal from fromSeq on. */
    private ModelSlot restoreGeneration(ModelSpec spec, Head head, int generation, long fromSeq) {
        String name = spec.name();
        byte[] snapshot = store.snapshot(name, generation);
        Network net = snapshot == null ? Network.create(spec) : SnapshotCodec.decode(snapshot);
        if (!net.spec().json().equals(spec.json())) {
            throw new IllegalStateException("model " + name + ": the stored snapshot was made from another spec than the stored one");
        }
        byte[] savedStats = store.stats(name, generation);
        PrequentialStats stats = savedStats == null
                ? new PrequentialStats(settings.runtime().fadingFactor(), settings.runtime().window())
                : PrequentialStats.decode(savedStats, settings.runtime().fadingFactor(), settings.runtime().window());
        ModelRuntime runtime = new ModelRuntime(net, stats, head.predicted(), head.deadLettered(), settings.runtime(), metrics.model(name));
        runtime.restoreDrift(store.drift(name, generation));
        ModelSlot model = new ModelSlot(name, spec.json(), runtime, head);
        model.snapshotSeq = fromSeq;
        replayJournal(model, head.nextSeq());
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
                if (entry.kind() == JournalEntry.Kind.FLUSH) {
                    model.runtime.flush(Output.NONE);
                    continue;
                }
                if (entry.kind() == JournalEntry.Kind.CLOSE) {
                    model.runtime.trainPending(Output.NONE);
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
        if (record.key().length > DeadLetters.MAX_KEY_BYTES) {
            deadLetter(record, source, null, DeadLetterReason.KEY_TOO_LONG, "model spec at offset " + source.offset() + " has a key of "
                    + record.key().length + " bytes, more than " + DeadLetters.MAX_KEY_BYTES + "; the key names the model");
            return;
        }
        if (record.value() == null) {
            replace(name, null);
            LOG.info("model {}: deleted (tombstone on {})", name, source.topic());
            return;
        }
        if (record.value().length > settings.recordMaxBytes()) {
            deadLetter(record, source, null, name, DeadLetterReason.RECORD_TOO_LARGE, "model spec " + name + " at offset " + source.offset()
                    + " has " + record.value().length + " bytes, more than " + settings.recordMaxBytes());
            return;
        }
        DecodeResult<ModelSpecRecord> decoded = specDecoder.decode(record.value());
        if (decoded instanceof DecodeResult.Rejected<ModelSpecRecord> rejected) {
            deadLetter(record, source, null, rejected.reason(), "model spec at offset " + source.offset() + ": " + rejected.message());
            return;
        }
        String json = ((DecodeResult.Decoded<ModelSpecRecord>) decoded).record().getSpecJson();
        String problem;
        try {
            ModelSpec spec = ModelSpec.parse(json);
            settings.limits().check(spec);
            problem = spec.name().equals(name) ? null : "model spec keyed " + name + " names model " + spec.name();
        } catch (SpecException e) {
            problem = "model spec " + name + ": " + e.getMessage();
        }
        String previous = store.spec(name);
        if (problem != null) {
            deadLetter(record, source, null, name, DeadLetterReason.INVALID_MODEL_SPEC, problem);
            // only a valid name is marked (it becomes a metric tag); samples for any other key are unknown models
            if (previous == null && ModelSpec.isValidName(name) && !(settings.presetsEnabled() && Presets.exists(name))) {
                String reason = "model " + name + " is unavailable: its spec at " + source.topic() + " offset " + source.offset() + " was rejected ("
                        + problem + "); write a corrected spec or a tombstone";
                store.putRejected(name, reason);
                quarantined.remove(name);
                quarantine(name, reason);
            }
            return;
        }
        if (json.equals(previous) && load(name) != null) {
            publisher.publishIfRequested(record.headers(), name, load(name).runtime.network(), record.timestamp(), context);
            return; // unchanged; the same spec again for a quarantined model starts it afresh
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
        ModelSlot old = quarantined.containsKey(name) ? null : load(name);
        endQuarantine(name);
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
            store.putHead(name, new Head(previous.nextSeq(), previous.nextSeq(), previous.journalSlots(), previous.predicted(), previous.deadLettered(),
                    Head.NONE, 0));
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, RecordMetadata source, ModelSlot model, DeadLetterReason reason, String message) {
        String modelName = model == null ? null : model.name;
        deadLetter(record, source, modelName, modelName, reason, message);
        if (model != null) {
            model.runtime.countDeadLetter();
            store.putHead(model.name, model.head());
        }
    }

    /**
     * @param meterModel the model whose meters count it (null: "unknown"); a name from a spec or preset, never a raw key, so tags stay bounded
     * @param named      the model the record names, kept in the dead letter's model field
     */
    private void deadLetter(Record<byte[], byte[]> record, RecordMetadata source, String meterModel, String named, DeadLetterReason reason,
                            String message) {
        byte[] value = DeadLetters.encode(source, reason, message, named, record.key(), record.value(), record.timestamp(), settings.recordMaxBytes());
        context.forward(new Record<>(DeadLetters.key(record.key()), value, record.timestamp()), NeurostreamTopology.DEAD_LETTERS_SINK);
        metrics.model(meterModel).deadLettered(reason.name());
    }


    /** Sends predictions, metrics and drift events to their sinks, keyed by model name. */
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

        @Override
        public void drift(DriftEvent event, long timestamp) {
            context.forward(new Record<>(event.getModel().getBytes(StandardCharsets.UTF_8),
                    NeurostreamSerdes.driftEvent().encode(event), timestamp), NeurostreamTopology.DRIFT_SINK);
        }
    }
}
