// The one processor that owns the models of a task: validates samples, trains and predicts, journals and snapshots, dead-letters.
package io.neurostream.app.topology;

import io.neurostream.app.metrics.NeurostreamMetrics;
import io.neurostream.app.records.DeadLetterReason;
import io.neurostream.app.records.ReplicaKeys;
import io.neurostream.app.serde.DecodeResult;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.serde.RecordDecoder;
import io.neurostream.app.state.InitPayloads;
import io.neurostream.app.state.JournalEntry;
import io.neurostream.app.state.ModelLog;
import io.neurostream.app.state.ModelStore;
import io.neurostream.app.state.PendingSamples;
import io.neurostream.app.state.ReplicaState;
import io.neurostream.app.sync.SyncLog;
import io.neurostream.app.sync.SyncRecord;
import io.neurostream.app.sync.SyncRounds;
import io.neurostream.app.training.DelayedLabels;
import io.neurostream.app.training.ModelRuntime;
import io.neurostream.app.training.Output;
import io.neurostream.app.training.PrequentialStats;
import io.neurostream.app.training.Rejection;
import io.neurostream.app.training.SampleInput;
import io.neurostream.app.training.SamplePrediction;
import io.neurostream.app.versions.ModelPublisher;
import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.losses.Loss;
import io.neurostream.core.net.Network;
import io.neurostream.core.replica.ParameterVector;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import io.neurostream.core.spec.SpecException;
import io.neurostream.schemas.Label;
import io.neurostream.schemas.ModelSpecRecord;
import io.neurostream.schemas.Sample;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads co-partitioned topics: samples (key = model name), models (ModelSpecRecord per name) and,
 * with delayed labels, labels (key = model name). Every sample ends as exactly one of: trained
 * (joined a batch, on arrival or when its label came), predicted only (no label, or its label never
 * came), dead-lettered (with a reason); with delayed labels an unlabelled one is pending until then.
 * Every label ends applied (its sample trained) or dead-lettered. Models load lazily from the store: snapshot, then the
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
    private final RecordDecoder<Label> labelDecoder = NeurostreamSerdes.label().decoder();
    /** The models in memory, least recently used first (at most settings.maxLoadedModels()). */
    private final Map<String, ModelSlot> models = new LinkedHashMap<>(16, 0.75f, true);
    /** Models that cannot be used, with the one-line reason their samples are dead-lettered with. */
    private final Map<String, String> quarantined = new HashMap<>();
    /** Unknown model names already logged (bounded: the names come from sample keys). */
    private final Set<String> unknownNames = new HashSet<>();
    private final Take<Sample> learnSample = this::learn; // fields: no method reference made per record
    private final Take<Label> applyLabel = this::label;
    private final ModelPublisher publisher;
    private final SyncLog.Factory syncLogFactory;
    /** The sync logs opened by the replicas of this task, by replica key (closed with the processor). */
    private final Map<String, SyncLog> syncLogs = new HashMap<>();
    /**
     * Store key of the replicas this task's store holds, one per line: a waiting one is loaded by the wall clock to read its
     * decision. Not a model's key: model names start with a letter or digit.
     */
    static final String REPLICAS_KEY = "#replicas";
    /** Held records of a replica are being taken again: they are not held a second time, nor does a decision apply meanwhile. */
    private boolean releasing;
    private ProcessorContext<byte[], byte[]> context;
    private ModelStore store;
    private InitPayloads initPayloads;
    private KeyValueStore<String, byte[]> kv;
    private Subscriptions subscriptions;

    TrainingProcessor(ProcessorSettings settings, NeurostreamMetrics metrics) {
        this(settings, metrics, SyncLog.NONE);
    }

    TrainingProcessor(ProcessorSettings settings, NeurostreamMetrics metrics, SyncLog.Factory syncLogFactory) {
        this.settings = settings;
        this.metrics = metrics;
        this.syncLogFactory = syncLogFactory;
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
        this.initPayloads = new InitPayloads(kv, settings.limits(), settings.recordMaxBytes());
        this.kv = kv;
        this.subscriptions = new Subscriptions(kv);
        context.schedule(PUNCTUATE_EVERY, PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
    }

    /** Releases the models, the quarantine marks and the store (they are restored from the store on the next init). */
    @Override
    public void close() {
        forget();
        syncLogs.values().forEach(SyncLog::close);
        syncLogs.clear();
        store = null;
        initPayloads = null;
        kv = null;
        subscriptions = null;
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

    /** The replicas of the task's store, in key order. */
    private Set<String> replicaKeys() {
        byte[] replicas = kv.get(REPLICAS_KEY);
        Set<String> keys = new java.util.TreeSet<>();
        if (replicas != null && replicas.length > 0) {
            keys.addAll(List.of(new String(replicas, StandardCharsets.UTF_8).split("\n")));
        }
        return keys;
    }

    /** Adds or removes a replica of the task's index of replicas. */
    private void indexReplica(String key, boolean present) {
        Set<String> keys = replicaKeys();
        if (present ? keys.add(key) : keys.remove(key)) {
            kv.put(REPLICAS_KEY, String.join("\n", keys).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The current model as snapshot bytes, or null if it is not loaded (for tests and tools). */
    byte[] encodedModel(String name) {
        ModelSlot model = models.get(name);
        return model == null ? null : SnapshotCodec.encode(model.runtime().network());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        if (source.topic().equals(settings.topics().models()) && InitPayloads.isChunkKey(record.key())) {
            String problem = initPayloads.put(new String(record.key(), StandardCharsets.UTF_8), record.value());
            if (problem != null) {
                deadLetter(record, source, null, DeadLetterReason.INVALID_INIT_CHUNK, "record at offset " + source.offset() + ": " + problem);
            }
        } else if (source.topic().equals(settings.topics().models())) {
            onSpec(record, source);
        } else {
            onData(record, source);
        }
    }

    /** A sample or a label, from its topic or taken again after its replica held it. */
    private void onData(Record<byte[], byte[]> record, RecordMetadata source) {
        if (source.topic().equals(settings.topics().labels())) {
            onLabel(record, source);
        } else {
            onSample(record, source);
        }
    }

    /**
     * The path of a sample, in order: the record's cheap checks (key, size, decode, id), its model,
     * then {@link #train} or {@link #predict}. A record rejected by a cheap check still counts for
     * its model when that exists (so the model is looked up after the checks, to count it).
     */
    private void onSample(Record<byte[], byte[]> record, RecordMetadata source) {
        take(record, source, sampleDecoder, Sample::getId, "sample ", learnSample);
    }

    /** A record's sample or label given to one model: null if taken, else why not. */
    private interface Take<T> {
        Rejection apply(ModelSlot model, T value, Record<byte[], byte[]> record);
    }

    /**
     * A sample or a label: its key names the model (or the stream, when other models read it too: {@link StreamSamples});
     * the cheap checks run first, then the model is looked up and {@code take} gives it the record; every way out that is not
     * taken is a dead letter, counted by the model when it exists.
     */
    private <T extends SpecificRecord> void take(Record<byte[], byte[]> record, RecordMetadata source, RecordDecoder<T> decoder,
                                                 Function<T, String> idOf, String what, Take<T> take) {
        String modelName = modelName(record, source);
        if (modelName == null) {
            return;
        }
        DecodeResult<T> read = read(record.value(), source, modelName, decoder, idOf);
        String[] others = subscriptions.others(modelName);
        if (others != null) {
            StreamSamples.process(this, modelName, others, record, source, read, value -> what + idOf.apply(value),
                    (model, value) -> take.apply(model, value, record));
            return;
        }
        if (read instanceof DecodeResult.Rejected<T> unreadable) {
            deadLetter(record, source, reading(modelName), unreadable.reason(), unreadable.message());
            return;
        }
        T value = ((DecodeResult.Decoded<T>) read).record();
        ModelSlot model = reading(modelName);
        if (model == null) {
            deadLetterUnavailable(record, source, modelName, what + idOf.apply(value));
            return;
        }
        if (model.replica() != null && !releasing) {
            Replica r = model.replica();
            // the sync log is read here only before a round's first sample (a catch-up is due then), not per record: a waiting
            // replica holds, and the wall clock reads its decision
            if (!r.state.waiting() && (r.state.holding() || r.atRoundStart(model.runtime().network(), model.runtime().batchEmpty()))) {
                sync(model);
            }
            if (r.state.waiting()) {
                hold(model, record, source);
                return;
            }
        }
        Rejection invalid = take.apply(model, value, record);
        if (invalid != null) {
            deadLetter(record, source, model, invalid.reason(), invalid.message());
        }
    }

    /** The model named like this stream if it reads it (its spec's source is its own name), else null. */
    ModelSlot reading(String stream) {
        ModelSlot model = load(stream);
        return model == null || model.replica() != null || model.runtime().network().spec().source().equals(stream) ? model : null;
    }

    /** A decoded sample for one model: its stream time moves on, then it trains or is predicted; the rejection if it does not fit. */
    Rejection learn(ModelSlot model, Sample sample, Record<byte[], byte[]> record) {
        expire(model, record.timestamp());
        return SampleInput.isLabelled(sample, model.runtime().shape()) ? train(model, sample, record) : predict(model, sample, record);
    }

    /** The model a record's key names, or null when the key cannot name one (the record is then dead-lettered). */
    private String modelName(Record<byte[], byte[]> record, RecordMetadata source) {
        byte[] key = record.key();
        if (key == null || key.length == 0) {
            deadLetter(record, source, null, DeadLetterReason.MISSING_KEY, "record at offset " + source.offset() + " has no key; the key names the model");
            return null;
        }
        if (key.length > DeadLetters.MAX_KEY_BYTES) {
            deadLetter(record, source, null, DeadLetterReason.KEY_TOO_LONG, "record at offset " + source.offset() + " has a key of " + key.length
                    + " bytes, more than " + DeadLetters.MAX_KEY_BYTES + "; the key names the model");
            return null;
        }
        return new String(key, StandardCharsets.UTF_8);
    }

    /**
     * The record's sample or label, or why it cannot be read (no value, too large, not that record, an id too long): checked
     * before its model is loaded.
     */
    private <T extends SpecificRecord> DecodeResult<T> read(byte[] value, RecordMetadata source, String modelName, RecordDecoder<T> decoder,
                                                           Function<T, String> idOf) {
        if (value == null || value.length == 0) {
            return new DecodeResult.Rejected<>(DeadLetterReason.EMPTY_VALUE, "record at offset " + source.offset() + " for model " + modelName
                    + " has no value");
        }
        if (value.length > settings.recordMaxBytes()) {
            return new DecodeResult.Rejected<>(DeadLetterReason.RECORD_TOO_LARGE, "record at offset " + source.offset() + " has " + value.length
                    + " bytes, more than " + settings.recordMaxBytes());
        }
        DecodeResult<T> decoded = decoder.decode(value);
        if (decoded instanceof DecodeResult.Rejected<T> rejected) {
            return new DecodeResult.Rejected<>(rejected.reason(), "record at offset " + source.offset() + ": " + rejected.message());
        }
        String id = idOf.apply(((DecodeResult.Decoded<T>) decoded).record());
        if (id.length() > MAX_ID_CHARS) {
            return new DecodeResult.Rejected<>(DeadLetterReason.ID_TOO_LONG, "record at offset " + source.offset() + ": the sample id has "
                    + id.length() + " characters, more than " + MAX_ID_CHARS + " (predictions carry it)");
        }
        return decoded;
    }

    /**
     * A labelled sample: validated into the pending batch, journaled, and when the batch is full
     * predicted and learned from (one pass: {@link ModelRuntime#trainBatch}), then a snapshot and a
     * published version when due.
     */
    private Rejection train(ModelSlot model, Sample sample, Record<byte[], byte[]> record) {
        ModelRuntime runtime = model.runtime();
        Rejection invalid = runtime.add(sample, record.timestamp(), context.currentSystemTimeMs());
        if (invalid != null) {
            return invalid;
        }
        model.log().appendSample(record.timestamp(), record.value());
        if (runtime.batchFull()) {
            trainBatch(model, record.timestamp());
        }
        return null;
    }

    /** Trains the model's pending batch (its journal entry is written), then snapshots and publishes when due. */
    private void trainBatch(ModelSlot model, long timestamp) {
        long stepsBefore = model.runtime().network().counters().steps();
        model.runtime().trainBatch(model.output());
        snapshotIfDue(model);
        if (model.replica() == null) {
            publisher.publishIfDue(model.name(), model.runtime().network(), stepsBefore, timestamp, context);
        } else if (model.replica().roundDone(model.runtime().network())) {
            contribute(model, timestamp);
        }
    }

    /**
     * The batch that ends a replica's round has trained: its contribution (the change since its base, and the samples it trained
     * in the round) goes to the sync topic in this transaction, and the replica holds its records until the round is decided, or,
     * with overlapped rounds, until the round before is (usually it is already: the replica then goes on at once).
     */
    private void contribute(ModelSlot model, long timestamp) {
        Replica r = model.replica();
        Network net = model.runtime().network();
        double[] delta = ParameterVector.delta(ParameterVector.capture(net), r.base, r.dataType);
        long samples = net.counters().samplesTrained() - r.state.samplesAtBase();
        byte[] key = r.model.getBytes(StandardCharsets.UTF_8);
        long bytes = 0;
        for (byte[] chunk : SyncRecord.contribution(r.model, r.spec, r.state.round(), r.shard, samples, delta, r.dataType)) {
            context.forward(new Record<>(key, chunk, timestamp), NeurostreamTopology.SYNC_SINK);
            bytes += chunk.length;
        }
        r.state = r.state.waitingSince(context.currentSystemTimeMs());
        r.save();
        metrics.replica(r.model, r.shard).sent(bytes);
        LOG.debug("replica {}: round {} contributed ({} samples, {} bytes)", model.name(), r.state.round(), samples, bytes);
        if (r.overlap) {
            // merged(r − 1) is usually read already, and the replica goes on at once; if not, the read may block briefly, as a
            // waiting replica's does (the replica would hold its records meanwhile)
            sync(model);
        }
    }

    /** Keeps a record of a waiting replica in its store, in arrival order, until its round is decided. */
    private void hold(ModelSlot model, Record<byte[], byte[]> record, RecordMetadata source) {
        Replica r = model.replica();
        ReplicaState.putHeld(kv, r.key, r.state.heldNext(), new ReplicaState.Held(source.topic(), source.partition(), source.offset(),
                record.timestamp(), record.key(), record.value()));
        r.state = r.state.held(r.state.heldFirst(), r.state.heldNext() + 1);
        r.save();
    }

    /**
     * Reads a replica's sync log, then: with overlapped rounds it keeps the latest merged model up to the round before its own;
     * the round it waits for (or, at its round's start, any round ahead of it) is decided: it adopts and takes its held records;
     * not yet, and it has waited neurostream.sync.max.wait.ms: it writes a close for the round (once).
     */
    private void sync(ModelSlot model) {
        Replica r = model.replica();
        r.read();
        if (r.bytesRead > 0) {
            metrics.replica(r.model, r.shard).received(r.bytesRead);
            r.bytesRead = 0;
        }
        r.rounds.drainDecisions().forEach(d -> metrics.replica(r.model, r.shard).decided(d.members().size(), d.byClose()));
        SyncRounds.Point ahead = r.mergedAhead();
        if (ahead != null) {
            keepMerged(model, ahead);
            r.save();
        }
        Network net = model.runtime().network();
        if (r.decisionDue(net, model.runtime().batchEmpty())) {
            adopt(model);
        } else if (r.state.waiting() && !r.state.closeSent() && context.currentSystemTimeMs() - r.state.waitingSince() >= settings.syncMaxWaitMillis()) {
            long round = r.awaited();
            context.forward(new Record<>(r.model.getBytes(StandardCharsets.UTF_8), SyncRecord.close(r.model, r.spec, round, r.shard),
                    context.currentSystemTimeMs()), NeurostreamTopology.SYNC_SINK);
            r.state = r.state.closed();
            r.save();
            LOG.info("replica {}: round {} closed after waiting {} ms (neurostream.sync.max.wait.ms)", model.name(), round,
                    settings.syncMaxWaitMillis());
        }
        if (!r.state.waiting() && r.state.holding() && !releasing) {
            release(model);
        }
    }

    /**
     * The replica takes its next base as its weights (optimizer state stays its own), starts the next round, and snapshots at once,
     * so that a restore never replays a journal across a merge. The base is, at the end of round r with overlapped rounds,
     * merged(r−1) + its own change of round r (it trains r + 1 next); else the latest decided merged model (it trains the round
     * after that one next): at the end of a round without overlap, at a round's start after rounds decided without it, or with
     * overlapped rounds when those ran so far ahead that merged(r−1) is gone.
     */
    private void adopt(ModelSlot model) {
        Replica r = model.replica();
        Network net = model.runtime().network();
        long waitedSince = r.state.waiting() ? r.state.waitingSince() : -1;
        long from = r.state.round();
        double[] weights;
        long next;
        if (r.takesOwnChange()) {
            weights = ParameterVector.plus(r.merged, ParameterVector.delta(ParameterVector.capture(net), r.base, r.dataType), r.dataType);
            next = from + 1;
        } else {
            keepMerged(model, r.rounds.point(r.rounds.decided()));
            weights = r.merged;
            next = r.state.mergedRound() + 1;
        }
        ParameterVector.assign(net, weights);
        r.base = weights;
        ReplicaState.putBase(kv, r.key, SyncRecord.payload(weights, r.dataType));
        r.state = r.state.adopted(next, Replica.batches(net.counters()), net.counters().samplesTrained());
        r.save();
        takeSnapshot(model);
        model.log().forgetOlderGeneration(); // it and the journal since would restore the model from before the merge
        metrics.replica(r.model, r.shard).applied(next - from, next, waitedSince < 0 ? -1 : context.currentSystemTimeMs() - waitedSince);
        LOG.debug("replica {}: took the merge of round {} (members {}){}; trains round {}", model.name(), r.state.mergedRound(),
                r.state.members(), r.overlap && next == from + 1 ? " plus its own change" : "", next);
    }

    /**
     * The replica holds merged(point.round()) from now on, and reads the sync log on after its decision (a restart resumes there).
     * Shard 0 publishes it under the model's name when a version is due: the version counts the mini-batches each replica trained
     * to reach it, {@code (round + 1) · sync_every}.
     */
    private void keepMerged(ModelSlot model, SyncRounds.Point point) {
        Replica r = model.replica();
        long before = r.state.mergedRound();
        if (point.round() == before) {
            return;
        }
        r.merged = point.merged();
        if (r.overlap) {
            ReplicaState.putMerged(kv, r.key, SyncRecord.payload(point.merged(), r.dataType));
        }
        r.state = r.state.merged(point.round(), point.resumeOffset(), point.decidedAt(), point.members());
        if (r.shard == 0 && publisher.due((before + 1) * r.syncEvery, (point.round() + 1) * r.syncEvery)) {
            Network net = model.runtime().network();
            double[] own = ParameterVector.capture(net);
            ParameterVector.assign(net, point.merged());
            publisher.publishIfDue(r.model, net, (before + 1) * r.syncEvery, (point.round() + 1) * r.syncEvery, context.currentSystemTimeMs(), context);
            ParameterVector.assign(net, own);
        }
    }

    /** Takes a replica's held records again, in order, until none is left or one ends a round again (the rest wait on). */
    private void release(ModelSlot model) {
        Replica r = model.replica();
        releasing = true;
        try {
            while (!r.state.waiting() && r.state.holding()) {
                long seq = r.state.heldFirst();
                ReplicaState.Held held = ReplicaState.takeHeld(kv, r.key, seq);
                r.state = r.state.held(seq + 1, r.state.heldNext());
                r.save();
                if (held != null) {
                    onData(new Record<>(held.key(), held.value(), held.timestamp()), new HeldMetadata(held));
                }
            }
        } finally {
            releasing = false;
        }
    }

    /** Where a held record came from, for its dead letter if it has one. */
    private record HeldMetadata(ReplicaState.Held held) implements RecordMetadata {
        @Override
        public String topic() {
            return held.topic();
        }

        @Override
        public int partition() {
            return held.partition();
        }

        @Override
        public long offset() {
            return held.offset();
        }
    }

    /**
     * An unlabelled sample: validated, predicted with the current model (not journaled: it changes no model), and counted as
     * predicted only, or, with delayed labels, kept with its prediction until its label comes ({@link #onLabel}).
     */
    private Rejection predict(ModelSlot model, Sample sample, Record<byte[], byte[]> record) {
        KeptPrediction kept = model.pending() == null ? null : new KeptPrediction(model.output());
        Rejection invalid = model.runtime().predictOnly(sample, record.timestamp(), kept == null ? model.output() : kept);
        if (invalid != null) {
            return invalid;
        }
        if (kept == null) {
            model.output().predictedOnly(1);
            return null;
        }
        int evicted = model.pending().keep(sample.getId(), record.timestamp(), kept.modelStep, kept.outputs, record.value());
        if (evicted < 0) {
            LOG.debug("model {}: sample {} is predicted only: a sample of that id already waits for its label", model.name(), sample.getId());
            model.output().predictedOnly(1);
            evicted = 0;
        }
        expired(model, evicted, 0);
        return null;
    }

    /** Delayed labels: the model's stream time moves to this record's timestamp, and the samples whose wait is over expire. */
    private void expire(ModelSlot model, long timestamp) {
        if (model.pending() != null) {
            expired(model, model.pending().advance(timestamp), 0);
        }
    }

    /** Kept samples that expired end predicted only; labels applied are counted; the pending gauge follows. */
    private void expired(ModelSlot model, int expired, int applied) {
        model.output().predictedOnly(expired);
        metrics.model(model.name()).labels(expired, applied, model.pending().count());
        if (expired > 0) {
            model.runtime().countersChanged();
        }
    }

    /**
     * A label (labels topic): its kept sample's prediction is scored (delayed prequential evaluation: a {@code Prediction} with
     * the label and loss goes to predictions), then the sample, labelled, trains like a labelled sample, journaled so that a
     * restore replays it in the same place. A label for no kept sample is dead-lettered: UNKNOWN_SAMPLE, or LABEL_EXPIRED when
     * its sample expired; a label that does not fit the model, with the reason a labelled sample would get (its sample waits on).
     */
    private void onLabel(Record<byte[], byte[]> record, RecordMetadata source) {
        take(record, source, labelDecoder, Label::getId, "label for sample ", applyLabel);
    }

    /**
     * A label for one model: its kept sample's prediction is scored, then the sample trains like a labelled one (journaled); the
     * rejection if the model keeps no sample of that id or the label does not fit.
     */
    Rejection label(ModelSlot model, Label label, Record<byte[], byte[]> record) {
        PendingSamples pending = model.pending();
        if (pending == null) {
            return new Rejection(DeadLetterReason.UNKNOWN_SAMPLE, "label for sample " + label.getId() + ": model " + model.name()
                    + " learns from its samples' own next tokens and keeps none for a label");
        }
        expire(model, record.timestamp());
        PendingSamples.Kept kept = pending.find(label.getId());
        if (kept == null) {
            boolean expired = pending.wasExpired(label.getId());
            return new Rejection(expired ? DeadLetterReason.LABEL_EXPIRED : DeadLetterReason.UNKNOWN_SAMPLE, "label for sample "
                    + label.getId() + ": " + (expired ? "the sample waited more than " + settings.labelsMaxDelayMillis()
                    + " ms of stream time (neurostream.labels.max.delay.ms) or was evicted beyond neurostream.labels.max.pending"
                    : "model " + model.name() + " has no sample of that id waiting for a label"));
        }
        ModelRuntime runtime = model.runtime();
        DecodeResult<Sample> decoded = sampleDecoder.decode(kept.sample());
        DelayedLabels.Result result = decoded instanceof DecodeResult.Decoded<Sample> ok
                ? DelayedLabels.score(runtime.shape(), Loss.fromSpecName(runtime.network().spec().loss()), kept.outputs(), ok.record(), label)
                : new DelayedLabels.Rejected(new Rejection(DeadLetterReason.LABEL_EXPIRED, "label for sample " + label.getId()
                        + ": its kept sample no longer decodes"));
        if (result instanceof DelayedLabels.Rejected rejected) {
            return rejected.rejection();
        }
        DelayedLabels.Scored scored = (DelayedLabels.Scored) result;
        Rejection invalid = runtime.addScored(scored.labelled(), record.timestamp(), context.currentSystemTimeMs(), scored.loss(), scored.correct(), model.output());
        if (invalid != null) {
            return invalid;
        }
        pending.remove(kept);
        Sample sample = scored.labelled();
        model.output().prediction(new SamplePrediction(runtime.shape(), FloatBuffer.wrap(kept.outputs()), 0, sample.getId(),
                sample.getEventTime().toEpochMilli(), kept.modelStep(), record.timestamp(), scored.label(), scored.loss()));
        expired(model, 0, 1);
        model.log().appendLabelled(record.timestamp(), NeurostreamSerdes.sample().encode(sample), scored.loss(), scored.correct());
        if (runtime.batchFull()) {
            trainBatch(model, record.timestamp());
        }
        return null;
    }

    /** A sample or label for a model that is quarantined or unknown ({@code what}: "sample ID" or "label for sample ID"). */
    void deadLetterUnavailable(Record<byte[], byte[]> record, RecordMetadata source, String modelName, String what) {
        String unavailable = quarantined.get(modelName);
        if (unavailable != null) {
            deadLetter(record, source, modelName, modelName, DeadLetterReason.MODEL_UNAVAILABLE, what + ": " + unavailable);
            return;
        }
        String outOfRange = shardOutOfRange(modelName);
        if (outOfRange != null) {
            deadLetter(record, source, null, modelName, DeadLetterReason.REPLICA_OUT_OF_RANGE, what + ": " + outOfRange);
            return;
        }
        if (unknownNames.size() < MAX_LOGGED_UNKNOWN_NAMES && unknownNames.add(modelName)) {
            LOG.warn("samples keyed \"{}\" are dead-lettered as UNKNOWN_MODEL: no model of that name{}", DeadLetters.printable(modelName),
                    unknownNames.size() < MAX_LOGGED_UNKNOWN_NAMES ? " (logged once per name)"
                            : " (logged once per name; this is the last name logged, see the dead-letters topic for more)");
        }
        deadLetter(record, source, null, modelName, DeadLetterReason.UNKNOWN_MODEL, what + ": no model named " + modelName
                + " (create it on the " + settings.topics().models() + " topic" + (settings.presetsEnabled() ? " or use a preset: "
                + String.join(", ", Presets.names()) : "") + ")");
    }

    /**
     * Why a replica key NAME#s that names no model here is beyond its model's replicas, when this task holds the spec of a lower
     * shard of NAME that says so (R ≤ s); else null.
     */
    private String shardOutOfRange(String key) {
        ReplicaKeys.Shard shard;
        try {
            shard = ReplicaKeys.parse(key);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
        for (int t = 0; shard != null && t < shard.shard(); t++) {
            String json = store.spec(ReplicaKeys.key(shard.model(), t));
            if (json != null) {
                int replicas = ModelSpec.parse(json).replication().replicas();
                return shard.shard() < replicas ? null
                        : "shard " + shard.shard() + " of model " + shard.model() + ", which has " + replicas + " replicas";
            }
        }
        return null;
    }

    /**
     * Closes the partial batches that waited {@code neurostream.batch.max.delay.ms}, flushes the
     * predictions that waited {@code neurostream.prediction.max.delay.ms}, and writes the metrics
     * records due. Its outputs and store writes go through the task's context, so they commit in
     * the task's transaction like those of a record; a close and a flush are journaled, so a
     * restore replays them where they happened, whatever the clock says then.
     */
    private void onWallClock(long wallClockMillis) {
        for (String key : replicaKeys()) {
            if (!models.containsKey(key)) {
                ReplicaState state = ReplicaState.get(kv, key);
                if (state != null && (state.waiting() || state.holding())) {
                    ModelSlot loaded = load(key); // after a restart or an eviction: it reads the decision it waits for, now (loading
                    if (loaded != null) { // the next one may evict it again: with neurostream.models.max.loaded 1 it never would)
                        sync(loaded);
                    }
                }
            }
        }
        for (ModelSlot model : List.copyOf(models.values())) {
            if (model.replica() != null) {
                if (models.get(model.name()) != model) {
                    continue; // evicted or replaced by a record taken again meanwhile
                }
                sync(model);
            }
            ModelRuntime runtime = model.runtime();
            if (runtime.closeDue(wallClockMillis)) {
                model.log().appendClose(wallClockMillis);
                trainBatch(model, wallClockMillis);
            } else if (runtime.flushDue(wallClockMillis)) {
                runtime.flush(model.output());
                model.log().appendFlush(wallClockMillis);
            }
            runtime.reportIfDue(wallClockMillis, model.output());
        }
    }

    private void snapshotIfDue(ModelSlot model) {
        if (model.runtime().snapshotDue(settings.snapshotIntervalBatches())) {
            takeSnapshot(model);
        }
    }

    private void takeSnapshot(ModelSlot model) {
        long start = System.nanoTime();
        byte[] snapshot = SnapshotCodec.encode(model.runtime().network());
        model.log().putSnapshot(snapshot, model.runtime().stats().encode(), model.runtime().driftState(),
                settings.journalSlots(model.runtime().network().spec().batchSize()));
        model.runtime().snapshotTaken();
        metrics.model(model.name()).snapshot(snapshot.length, System.nanoTime() - start);
    }

    /**
     * The model of this name: in memory, restored from the store, new from a preset; or null if
     * unknown or quarantined (then {@link #quarantined} holds why). A model that cannot be
     * restored is quarantined instead of failing the task: only errors of Kafka itself (the
     * transaction, the changelog) go on up.
     */
    ModelSlot load(String name) {
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
            if (model.runtime().hasUnemitted()) {
                model.runtime().flush(model.output());
                model.log().appendFlush(context.currentSystemTimeMs());
            }
            model.log().writeHead();
            it.remove();
            LOG.debug("model {}: evicted from memory ({} models loaded at most)", model.name(), settings.maxLoadedModels());
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
     * Restores a model from its log: a snapshot generation and the journal since, replayed with no
     * output (what it produced was committed when it first happened). Throws when it does not restore.
     */
    private ModelSlot restore(String name, String json) {
        long start = System.nanoTime();
        ModelSpec spec = ModelSpec.parse(json);
        settings.limits().check(spec);
        ModelLog log = ModelLog.open(store, name, settings.journalSlots(spec.batchSize()));
        ModelRuntime runtime = log.restore(new ModelLog.Replay<>() {
            @Override
            public ModelRuntime start(int generation) {
                return fromSnapshot(name, spec, generation);
            }

            @Override
            public void apply(ModelRuntime runtime, JournalEntry entry) {
                replay(name, runtime, entry);
            }
        }, settings.journalSlots(spec.batchSize()));
        long nanos = System.nanoTime() - start;
        Network net = runtime.network();
        metrics.model(name).restored(nanos, net.counters().steps());
        if (log.head().nextSeq() > 0) {
            LOG.info("model {}: restored at step {} from snapshot generation {} and {} journal entries in {} ms", name, net.counters().steps(),
                    log.generation(), log.entriesSinceSnapshot(), nanos / 1_000_000);
        }
        PendingSamples pending = settings.delayedLabels() && !runtime.shape().nextTokenModel()
                ? PendingSamples.open(kv, name, settings.labelsMaxDelayMillis(), settings.labelsMaxPending()) : null;
        if (pending != null) {
            metrics.model(name).labels(0, 0, pending.count());
        }
        ReplicaKeys.Shard shard = ReplicaKeys.parse(name);
        Replica replica = shard == null ? null : Replica.open(name, shard, net, kv, syncLogs.computeIfAbsent(name, k -> syncLogFactory.open(shard.model())));
        if (replica != null) {
            indexReplica(name, true);
        }
        return new ModelSlot(name, runtime, log, new ModelOutput(context, name, log, pending, metrics.model(name), settings.runtime().topK()),
                pending, replica);
    }

    /** The model as one snapshot generation left it, or new from the spec when that generation has no snapshot. */
    private ModelRuntime fromSnapshot(String name, ModelSpec spec, int generation) {
        byte[] snapshot = store.snapshot(name, generation);
        Network net = snapshot == null ? Network.create(spec) : SnapshotCodec.decode(snapshot);
        if (!net.spec().json().equals(spec.json())) {
            throw new IllegalStateException("model " + name + ": the stored snapshot was made from another spec than the stored one");
        }
        byte[] savedStats = store.stats(name, generation);
        PrequentialStats stats = savedStats == null
                ? new PrequentialStats(settings.runtime().fadingFactor(), settings.runtime().window())
                : PrequentialStats.decode(savedStats, settings.runtime().fadingFactor(), settings.runtime().window());
        ModelRuntime runtime = new ModelRuntime(net, stats, settings.runtime());
        runtime.restoreDrift(store.drift(name, generation));
        return runtime;
    }

    /** Applies one journal entry again, as it was applied when it was written, with no output. */
    private void replay(String name, ModelRuntime runtime, JournalEntry entry) {
        switch (entry.kind()) {
            case FLUSH -> runtime.flush(Output.NONE);
            case CLOSE -> runtime.trainBatch(Output.NONE);
            case SAMPLE, LABELLED -> {
                DecodeResult<Sample> decoded = sampleDecoder.decode(entry.sample());
                long now = context.currentSystemTimeMs();
                if (!(decoded instanceof DecodeResult.Decoded<Sample> ok) || (entry.kind() == JournalEntry.Kind.SAMPLE
                        ? runtime.add(ok.record(), entry.timestamp(), now)
                        : runtime.addScored(ok.record(), entry.timestamp(), now, entry.loss(), entry.correct(), Output.NONE)) != null) {
                    throw new IllegalStateException("model " + name + ": journal entry " + entry.seq() + " no longer decodes or validates");
                }
                if (runtime.batchFull()) {
                    runtime.trainBatch(Output.NONE);
                }
            }
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
            takeHeldAfterReplace(name, false);
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
        DeadLetterReason rejection = DeadLetterReason.INVALID_MODEL_SPEC;
        try {
            ReplicaKeys.Shard shard = ReplicaKeys.parse(name);
            ModelSpec spec = ModelSpec.parse(json);
            settings.limits().check(spec);
            problem = spec.name().equals(shard == null ? name : shard.model()) ? null : "model spec keyed " + name + " names model " + spec.name();
            if (problem == null && shard != null && shard.shard() >= spec.replication().replicas()) {
                rejection = DeadLetterReason.REPLICA_OUT_OF_RANGE;
                problem = "shard " + shard.shard() + " of model " + shard.model() + ", which has " + spec.replication().replicas() + " replicas";
            }
        } catch (SpecException e) {
            problem = "model spec " + name + ": " + e.getMessage();
        } catch (IllegalArgumentException e) { // a malformed replica key
            problem = "model spec at offset " + source.offset() + ": " + e.getMessage();
        }
        Header init = record.headers().lastHeader(InitPayloads.HEADER);
        InitPayloads.Taken initial = init == null ? null : problem == null ? initPayloads.take(name, ModelSpec.parse(json), init.value()) : null;
        if (init != null && initial == null) {
            initPayloads.discard(name);
        }
        problem = problem == null && initial != null ? initial.problem() : problem;
        String previous = store.spec(name);
        if (problem != null) {
            deadLetter(record, source, null, name, rejection, problem);
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
        if (initial == null && json.equals(previous) && load(name) != null) {
            publisher.publishIfRequested(record.headers(), name, load(name).runtime().network(), record.timestamp(), context);
            return; // unchanged; the same spec again for a quarantined model starts it afresh
        }
        replace(name, json);
        if (initial != null) { // the model starts from these weights, as from a snapshot at step 0
            store.putSnapshot(name, 0, initial.snapshot(), new PrequentialStats(settings.runtime().fadingFactor(), settings.runtime().window()).encode());
        }
        if (previous == null) {
            LOG.info("model {}: created from its spec on {}", name, source.topic());
        } else {
            LOG.info("model {}: new spec from {}; the model starts again from it", name, source.topic());
        }
        takeHeldAfterReplace(name, true);
    }

    /**
     * A replica whose spec was replaced or deleted while it held records takes them now, in order: the new model predicts and
     * trains them (holding again if one ends its first round), or, the model deleted, each ends dead-lettered as any record of
     * an unknown model.
     */
    private void takeHeldAfterReplace(String name, boolean replaced) {
        ReplicaState state = name.indexOf(ReplicaKeys.SEPARATOR) < 0 ? null : ReplicaState.get(kv, name);
        if (state == null || !state.holding()) {
            return;
        }
        ModelSlot model = replaced ? load(name) : null;
        if (model != null && model.replica() != null) {
            sync(model);
            return;
        }
        releasing = true;
        try {
            for (long seq = state.heldFirst(); seq < state.heldNext(); seq++) {
                ReplicaState.Held held = ReplicaState.takeHeld(kv, name, seq);
                if (held != null) {
                    onData(new Record<>(held.key(), held.value(), held.timestamp()), new HeldMetadata(held));
                }
            }
        } finally {
            releasing = false;
        }
        ReplicaState.deleteSync(kv, name);
        indexReplica(name, false);
    }

    /**
     * Replaces a model's spec (or deletes the model when json is null). The old model first trains
     * on its pending samples, so every accepted sample ends trained; then its snapshot and journal
     * are discarded and the next sample starts the new model from its spec.
     */
    private void replace(String name, String json) {
        subscriptions.move(name, sourceOf(store.spec(name)), sourceOf(json));
        ModelSlot old = quarantined.containsKey(name) ? null : load(name);
        endQuarantine(name);
        if (old != null) {
            old.runtime().trainBatch(old.output());
            if (old.pending() != null) {
                expired(old, old.pending().expireAll(), 0);
            }
            models.remove(name);
        }
        ModelLog.discardSnapshots(store, name, old != null ? old.log().head() : null);
        if (name.indexOf(ReplicaKeys.SEPARATOR) >= 0) { // a replica starts again at round 0; records it holds are taken by the new model
            ReplicaState held = ReplicaState.get(kv, name);
            ReplicaState.deleteSync(kv, name);
            if (held != null && held.holding()) {
                ReplicaState.fresh().held(held.heldFirst(), held.heldNext()).put(kv, name);
            } else if (json == null) {
                indexReplica(name, false);
            }
        }
        if (json == null) {
            store.deleteSpec(name);
        } else {
            store.putSpec(name, json);
        }
    }

    /** The stream a stored or accepted spec reads (null for none). */
    private static String sourceOf(String json) {
        return json == null ? null : ModelSpec.parse(json).source();
    }

    private void deadLetter(Record<byte[], byte[]> record, RecordMetadata source, ModelSlot model, DeadLetterReason reason, String message) {
        String modelName = model == null ? null : model.name();
        deadLetter(record, source, modelName, modelName, reason, message);
        if (model != null) {
            model.log().countDeadLettered();
            model.runtime().countersChanged();
        }
    }

    /**
     * @param meterModel the model whose meters count it (null: "unknown"); a name from a spec or preset, never a raw key, so tags stay bounded
     * @param named      the model the record names, kept in the dead letter's model field
     */
    void deadLetter(Record<byte[], byte[]> record, RecordMetadata source, String meterModel, String named, DeadLetterReason reason,
                    String message) {
        forwardDeadLetter(record, source, named, reason, message);
        metrics.model(meterModel).deadLettered(reason.name());
    }

    /** Writes the dead letter of a record; no meter counts it here. */
    void forwardDeadLetter(Record<byte[], byte[]> record, RecordMetadata source, String named, DeadLetterReason reason, String message) {
        byte[] value = DeadLetters.encode(source, reason, message, named, record.key(), record.value(), record.timestamp(), settings.recordMaxBytes());
        context.forward(new Record<>(DeadLetters.key(record.key()), value, record.timestamp()), NeurostreamTopology.DEAD_LETTERS_SINK);
    }

    /** Counts, in a model's log and meters, a record of its stream that it did not take (its one dead letter is written once). */
    void countDeadLettered(ModelSlot model, DeadLetterReason reason) {
        model.log().countDeadLettered();
        model.runtime().countersChanged();
        metrics.model(model.name()).deadLettered(reason.name());
    }
}
