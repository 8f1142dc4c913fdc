// The pipeline benchmark: end-to-end training in Kafka Streams against a pass-through topology and the offline rate, in one run.
package io.neurostream.app.bench;

import io.neurostream.app.broker.EmbeddedKafka;
import io.neurostream.app.config.NeurostreamConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.neurostream.app.metrics.ModelProgress;
import io.neurostream.app.metrics.NeurostreamMetrics;
import io.neurostream.app.records.ReplicaKeys;
import io.neurostream.app.produce.MnistSource;
import io.neurostream.app.runtime.Directories;
import io.neurostream.app.produce.ModelSpecPublisher;
import io.neurostream.app.runtime.NeurostreamApp;
import io.neurostream.app.runtime.TopicSetup;
import io.neurostream.app.serde.DecodeResult;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.serde.RecordDecoder;
import io.neurostream.app.topology.Topics;
import io.neurostream.core.bench.ModelBench;
import io.neurostream.core.data.Dataset;
import io.neurostream.core.data.Mnist;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.schemas.Sample;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Three figures from one run on one embedded broker, so that they share the machine's state:
 * (a) end to end — samples produced while the neurostream topology runs, until the model has
 * trained on them (producer, broker, exactly-once topology, model update); (b) a pass-through
 * topology with the same settings that only decodes each sample and forwards it (the cost of
 * Kafka and Avro alone); (c) the offline training rate of model-core for the same model and batch.
 */
public final class PipelineBench {
    private static final long TIMEOUT_NANOS = 600_000_000_000L;
    private static final int MNIST_PIXELS = 28 * 28;

    /**
     * Samples per second of each stage (the median of its timed passes, with their range); {@code endToEnd / passThrough} is the
     * share Kafka leaves to training.
     */
    public record Result(String model, int batch, int samples, List<Scale> scales, Passes passThrough, double offlinePerSecond) {
        public Result {
            if (scales.isEmpty()) {
                throw new IllegalArgumentException("a result needs at least one end-to-end run");
            }
            scales = List.copyOf(scales);
        }

        /** One end-to-end run of the spec as it is (one replica unless the spec says otherwise). */
        public Result(String model, int batch, int samples, Passes endToEnd, Passes passThrough, double offlinePerSecond) {
            this(model, batch, samples, List.of(new Scale(1, 1, endToEnd, null)), passThrough, offlinePerSecond);
        }

        /** The end-to-end rates of the first run (the only one without --replicas). */
        public Passes endToEnd() {
            return scales.get(0).endToEnd();
        }

        /** The run with one replica, or null when none was measured. */
        public Scale single() {
            return scales.stream().filter(s -> s.replicas() == 1).findFirst().orElse(null);
        }

        /** The median end-to-end rate of {@code scale} over that of the run with one replica (NaN without one). */
        public double overSingle(Scale scale) {
            Scale one = single();
            return one == null ? Double.NaN : scale.endToEnd().median() / one.endToEnd().median();
        }

        public double endToEndPerSecond() {
            return endToEnd().median();
        }

        public double passThroughPerSecond() {
            return passThrough.median();
        }

        public double endToEndOverPassThrough() {
            return endToEndPerSecond() / passThroughPerSecond();
        }
    }

    /**
     * One end-to-end run with the model on {@code replicas} partitions ({@code partitions} of each topic, as many stream threads as
     * replicas unless set otherwise): its rates and, for a replicated model, what syncing cost during the timed passes.
     */
    public record Scale(int replicas, int partitions, Passes endToEnd, Sync sync, TestScore test) {
        /** A run not scored on the test set. */
        public Scale(int replicas, int partitions, Passes endToEnd, Sync sync) {
            this(replicas, partitions, endToEnd, sync, null);
        }
    }

    /**
     * The model a run leaves, as a user would deploy it, scored on the MNIST test set ({@code --evaluate}). One replica: the version
     * the model publishes on model-versions when asked ({@code models publish}), {@code version} its step. R replicas: the merged
     * model of the last round every shard completed ({@code version} that round, {@code merged} true) — what every replica adopts
     * and shard 0 publishes — rebuilt from the sync topic as the replicas rebuild it ({@link SyncRounds}); the samples a replica
     * trained after it, in a round that is not complete on every shard, are not in it. {@code samples}: the training samples in the
     * scored model (its steps, or each merged round's members, times the batches of a step or a round).
     */
    public record TestScore(boolean merged, long version, long samples, double accuracy, double loss, long examples) {
        /** Which model was scored, in words. */
        public String describe() {
            return (merged ? "merged model of round " : "published version at step ") + version;
        }
    }

    /**
     * The sync topic's cost over the timed passes of a replicated model: the rounds merged (the most any replica applied), the bytes
     * the replicas wrote to sync per round, the mean wall-clock wait of a replica from its contribution to its round's decision,
     * and the rounds a close decided (a replica waited neurostream.sync.max.wait.ms: then the rates include that wait).
     */
    public record Sync(int syncEvery, long rounds, double bytesPerRound, double meanWaitMillis, long closedByTimeout) {
        /** The difference of two cumulative readings of the replica meters, before and after the timed passes. */
        static Sync between(int syncEvery, SyncReading before, SyncReading after) {
            long rounds = after.rounds - before.rounds;
            long waits = after.waits - before.waits;
            return new Sync(syncEvery, rounds, rounds == 0 ? 0 : (after.bytesOut - before.bytesOut) / rounds,
                    waits == 0 ? 0 : (after.waitMillis - before.waitMillis) / waits, after.closed - before.closed);
        }
    }

    /** Cumulative replica meters of one model, summed over its replicas (rounds: the most any replica applied). */
    record SyncReading(long rounds, double bytesOut, double waitMillis, long waits, long closed) {
        static SyncReading read(MeterRegistry registry, String model) {
            String p = NeurostreamMetrics.PREFIX;
            long rounds = (long) registry.find(p + "sync.rounds").tag("model", model).counters().stream().mapToDouble(Counter::count).max().orElse(0);
            double bytes = registry.find(p + "sync.bytes").tag("model", model).tag("direction", "out").counters().stream()
                    .mapToDouble(Counter::count).sum();
            var timers = registry.find(p + "sync.round.wait").tag("model", model).timers();
            double waitMillis = timers.stream().mapToDouble(t -> t.totalTime(TimeUnit.MILLISECONDS)).sum();
            long waits = timers.stream().mapToLong(Timer::count).sum();
            long closed = (long) registry.find(p + "sync.rounds.closed.by.timeout").tag("model", model).counters().stream()
                    .mapToDouble(Counter::count).max().orElse(0);
            return new SyncReading(rounds, bytes, waitMillis, waits, closed);
        }
    }

    /**
     * The rates of a stage's timed passes, in samples/s: their median, the slowest and the fastest. A difference between two
     * medians smaller than {@link #spread()} is within the noise of the run.
     */
    public record Passes(double median, double min, double max) {
        /** Of rates from one or more passes (the median of an even count is the upper of the middle two, as before). */
        static Passes of(double... rates) {
            double[] sorted = rates.clone();
            Arrays.sort(sorted);
            return new Passes(sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1]);
        }

        /** (max - min) / median: 0.1 means the passes were within 10% of the median's value of each other. */
        public double spread() {
            return (max - min) / median;
        }
    }

    private final PrintWriter log;
    private final Map<String, String> overrides;
    private final int warmupPasses;
    private final int timedPasses;

    /**
     * {@code overrides}: settings (Kafka Streams and neurostream keys) applied to both topologies;
     * {@code warmupPasses} untimed passes over the samples come before {@code timedPasses} timed ones.
     */
    public PipelineBench(PrintWriter log, Map<String, String> overrides, int warmupPasses, int timedPasses) {
        this.log = log;
        if (warmupPasses < 0) {
            throw new IllegalArgumentException("--warmup-passes must be >= 0, got " + warmupPasses);
        }
        if (timedPasses < 1) {
            throw new IllegalArgumentException("--passes must be >= 1, got " + timedPasses);
        }
        this.warmupPasses = warmupPasses;
        this.timedPasses = timedPasses;
        this.overrides = Map.copyOf(overrides);
    }

    /** As {@link #run(ModelSpec, int, Path, ModelBench, List)} with the spec's own number of replicas. */
    public Result run(ModelSpec spec, int samples, Path mnistDir, ModelBench offline) throws InterruptedException {
        return run(spec, samples, mnistDir, offline, List.of(spec.replication().replicas()));
    }

    /** As {@link #run(ModelSpec, int, Path, ModelBench, List, List, boolean)} with the spec's sync_every and no test-set score. */
    public Result run(ModelSpec spec, int samples, Path mnistDir, ModelBench offline, List<Integer> replicas) throws InterruptedException {
        return run(spec, samples, mnistDir, offline, replicas, List.of(spec.replication().syncEvery()), false);
    }

    /**
     * The pass-through and offline figures once, and one end-to-end run per entry of {@code replicas} (for R > 1, one per entry of
     * {@code syncEvery}), each on its own topics: the spec with {@code "replicas": R} and that sync_every on
     * max(R, neurostream.topic.partitions) partitions, with R stream threads unless num.stream.threads is set, its samples keyed by
     * the shard of their id. With {@code evaluate}, each run's model is scored on the MNIST test set of {@code mnistDir}
     * ({@link TestScore}) after its timed passes.
     */
    public Result run(ModelSpec spec, int samples, Path mnistDir, ModelBench offline, List<Integer> replicas, List<Integer> syncEvery,
            boolean evaluate) throws InterruptedException {
        checkReplicas(replicas);
        checkSyncEvery(syncEvery);
        List<Sample> records = samples(mnistDir, samples);
        List<byte[]> values = records.stream().map(NeurostreamSerdes.sample()::encode).toList();
        List<String> ids = records.stream().map(Sample::getId).toList();
        Dataset test = evaluate ? Mnist.test(mnistDir) : null;
        Path work = createWorkDir();
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).dataDir(work.resolve("kafka")).build().start()) {
            Passes passThrough = passThrough(kafka.bootstrapServers(), work, spec.name(), values);
            note("pass-through topology: %,.0f samples/s (passes %,.0f-%,.0f)", passThrough.median(), passThrough.min(), passThrough.max());
            List<Scale> scales = new ArrayList<>();
            for (int r : replicas) {
                for (int k : r == 1 ? List.of(spec.replication().syncEvery()) : syncEvery) {
                    ModelSpec run = k == spec.replication().syncEvery() ? spec : spec.with(Map.of("sync_every", k));
                    Scale scale = endToEnd(kafka.bootstrapServers(), work, run, r, ids, values, test);
                    Passes e = scale.endToEnd();
                    note("end to end (train in Kafka Streams%s): %,.0f samples/s (passes %,.0f-%,.0f)",
                            r == spec.replication().replicas() && replicas.size() == 1 ? "" : ", " + r + " replica(s)"
                                    + (r == 1 || syncEvery.size() == 1 ? "" : ", sync every " + k),
                            e.median(), e.min(), e.max());
                    scales.add(scale);
                }
            }
            double offlineRate = offline.run(spec, spec.batchSize()).samplesPerSecond();
            note("offline model-core training: %,.0f samples/s", offlineRate);
            return new Result(spec.name(), spec.batchSize(), samples, scales, passThrough, offlineRate);
        } finally {
            Directories.deleteRecursively(work);
        }
    }

    /**
     * A model that takes what this bench streams: MNIST images, 784 pixel values. Any other input (tokens, another
     * size) would dead-letter every sample, and the bench would wait for trained samples until its timeout.
     */
    public static void checkModel(ModelSpec spec) {
        if (spec.input().isTokens() || spec.input().shape().count() != MNIST_PIXELS) {
            throw new IllegalArgumentException("--model " + spec.name() + ": bench pipeline streams MNIST images (" + MNIST_PIXELS
                    + " pixel values), and this model's input is " + (spec.input().isTokens() ? "tokens " : "") + spec.input().shape()
                    + "; use a model with " + MNIST_PIXELS + " inputs");
        }
    }

    /** sync_every values >= 1, none twice. */
    public static void checkSyncEvery(List<Integer> syncEvery) {
        if (syncEvery.isEmpty()) {
            throw new IllegalArgumentException("--sync-every needs at least one value");
        }
        for (int k : syncEvery) {
            if (k < 1) {
                throw new IllegalArgumentException("--sync-every values must be >= 1, got " + k);
            }
        }
        if (syncEvery.stream().distinct().count() != syncEvery.size()) {
            throw new IllegalArgumentException("--sync-every lists a value twice: " + syncEvery);
        }
    }

    /** Replica counts in [1, 256], none twice. */
    public static void checkReplicas(List<Integer> replicas) {
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("--replicas needs at least one count");
        }
        for (int r : replicas) {
            if (r < 1 || r > 256) {
                throw new IllegalArgumentException("--replicas counts must be between 1 and 256, got " + r);
            }
        }
        if (replicas.stream().distinct().count() != replicas.size()) {
            throw new IllegalArgumentException("--replicas lists a count twice: " + replicas);
        }
    }

    private Passes passThrough(String bootstrap, Path work, String key, List<byte[]> values) throws InterruptedException {
        NeurostreamConfig config = config(bootstrap, work, "bench-pass-through");
        TopicSetup.ensureTopics(config);
        Topics topics = new Topics(config.string(NeurostreamConfig.TOPIC_PREFIX));
        AtomicLong forwarded = new AtomicLong();
        Topology topology = new Topology();
        topology.addSource("samples", new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.samples());
        topology.addProcessor("decode", () -> new DecodeAndForward(forwarded), "samples");
        topology.addSink("forwarded", topics.predictions(), new ByteArraySerializer(), new ByteArraySerializer(), "decode");
        try (KafkaStreams streams = new KafkaStreams(topology, config.streamsProperties())) {
            streams.start();
            awaitRunning(streams);
            List<String> keys = java.util.Collections.nCopies(values.size(), key);
            Targets targets = pass -> finishedAfter(pass, values.size(), 1);
            warm(bootstrap, topics.samples(), keys, values, forwarded::get, targets, null);
            return timed("pass-through", bootstrap, topics.samples(), keys, values, forwarded::get, targets, null);
        }
    }

    /**
     * One end-to-end run: the spec with {@code replicas} replicas (the spec as it is when that is its own count) on fresh topics (the
     * prefix bench-end-to-end. as before for the spec as it is, bench-end-to-end-rR-kK. otherwise), trained counted over every
     * replica; then, with a {@code test} set, its model scored on it.
     */
    private Scale endToEnd(String bootstrap, Path work, ModelSpec spec, int replicas, List<String> ids, List<byte[]> values, Dataset test)
            throws InterruptedException {
        boolean asIs = replicas == spec.replication().replicas();
        ModelSpec scaled = asIs ? spec : spec.with(Map.of("replicas", replicas));
        int syncEvery = scaled.replication().syncEvery();
        String id = asIs && replicas == 1 ? "bench-end-to-end" : "bench-end-to-end-r" + replicas + (replicas == 1 ? "" : "-k" + syncEvery);
        Map<String, String> extra = new HashMap<>();
        extra.put("num.stream.threads", Integer.toString(replicas));
        NeurostreamConfig base = config(bootstrap, work, id, Map.of());
        int partitions = Math.max(replicas, base.intValue(NeurostreamConfig.TOPIC_PARTITIONS));
        extra.put(NeurostreamConfig.TOPIC_PARTITIONS.name(), Integer.toString(partitions));
        NeurostreamConfig config = config(bootstrap, work, id, replicas == 1 && asIs ? Map.of() : extra);
        ModelSpecPublisher.publish(config, scaled, "neurostream bench pipeline");
        Topics topics = new Topics(config.string(NeurostreamConfig.TOPIC_PREFIX));
        List<String> keys = ids.stream().map(sample -> ReplicaKeys.sampleKey(spec.name(), sample, replicas)).toList();
        int[] shardSizes = new int[replicas];
        ids.forEach(sample -> shardSizes[replicas == 1 ? 0 : ReplicaKeys.shardOf(sample, replicas)]++);
        Targets targets = pass -> trainedAfter(pass, shardSizes, scaled.batchSize(), replicas == 1 ? Integer.MAX_VALUE : syncEvery,
                scaled.replication().syncOverlap());
        List<String> models = ReplicaKeys.keys(spec.name(), replicas);
        try (NeurostreamApp app = NeurostreamApp.start(config)) {
            awaitRunning(app.streams());
            LongSupplier trained = () -> models.stream().mapToLong(m -> ModelProgress.read(app.registry(), m).trained()).sum();
            String partitioner = replicas == 1 ? null : ReplicaKeys.KeyPartitioner.class.getName();
            warm(bootstrap, topics.samples(), keys, values, trained, targets, partitioner);
            SyncReading before = SyncReading.read(app.registry(), spec.name());
            Passes passes = timed(replicas == 1 ? "end to end" : "end to end, " + replicas + " replicas", bootstrap, topics.samples(), keys,
                    values, trained, targets, partitioner);
            Sync sync = replicas == 1 ? null : Sync.between(syncEvery, before, SyncReading.read(app.registry(), spec.name()));
            int allPasses = warmupPasses + timedPasses;
            TestScore score = test == null ? null : replicas == 1
                    ? TestEvaluation.published(config, scaled, targets.after(allPasses) / scaled.batchSize(), test, problem -> note("%s", problem))
                    : TestEvaluation.merged(config, scaled, lastCommonRound(allPasses, shardSizes, scaled.batchSize(), syncEvery), test);
            if (score != null) {
                note("%s: test accuracy %.2f%% on %,d images", score.describe(), 100 * score.accuracy(), score.examples());
            }
            return new Scale(replicas, partitions, passes, sync, score);
        }
    }

    /**
     * The last round every shard completes in {@code passes} passes over shards of {@code shardSizes} samples (batches of
     * {@code batch}, rounds of {@code syncEvery} batches): the last one decided without a close. −1: none.
     */
    static long lastCommonRound(int passes, int[] shardSizes, int batch, int syncEvery) {
        long round = (long) syncEvery * batch;
        long common = Long.MAX_VALUE;
        for (int size : shardSizes) {
            common = Math.min(common, (long) passes * size / round);
        }
        return common - 1;
    }

    /** Samples finished after a number of passes. */
    @FunctionalInterface
    interface Targets {
        long after(int passes);
    }

    /**
     * Samples a replicated model has trained after {@code passes} passes over samples whose shards hold {@code shardSizes} each
     * (one shard: not replicated), in batches of {@code batch}, merging every {@code syncEvery} batches, when no round closes by
     * time: every replica completes the rounds the shortest shard completes (r*), and then trains until its shard runs out or it
     * waits for the decision of round r* (holding the rest) — each in whole batches. It waits at the end of round r* with a
     * barrier, and at the end of round r* + 1 with overlapped rounds ({@code overlap}), which wait for the round before their own.
     */
    static long trainedAfter(int passes, int[] shardSizes, int batch, int syncEvery, boolean overlap) {
        long round = (long) syncEvery * batch;
        long common = lastCommonRound(passes, shardSizes, batch, syncEvery) + 1;
        long trained = 0;
        for (int size : shardSizes) {
            long received = (long) passes * size;
            long reachable = syncEvery == Integer.MAX_VALUE ? received : Math.min(received, (common + (overlap ? 2 : 1)) * round);
            trained += reachable - reachable % batch;
        }
        return trained;
    }

    /**
     * Streams the values {@code warmupPasses} times untimed. The untimed passes let the JIT compile the code paths of Kafka, Avro,
     * RocksDB and the topology first, so the figure is the steady state a long-running application sees.
     */
    private void warm(String bootstrap, String topic, List<String> keys, List<byte[]> values, LongSupplier done, Targets targets,
            String partitioner) throws InterruptedException {
        for (int pass = 1; pass <= warmupPasses; pass++) {
            timedPass(bootstrap, topic, keys, values, done, targets.after(pass), partitioner);
        }
    }

    /**
     * Then streams them {@code timedPasses} times timed, and returns the rates of the timed passes. {@code done} counts finished
     * samples, {@code targets} says how many are finished after a number of passes (whole batches, whole rounds).
     */
    private Passes timed(String stage, String bootstrap, String topic, List<String> keys, List<byte[]> values, LongSupplier done,
            Targets targets, String partitioner) throws InterruptedException {
        double[] rates = new double[timedPasses];
        for (int i = 0; i < timedPasses; i++) {
            long before = targets.after(warmupPasses + i);
            long after = targets.after(warmupPasses + i + 1);
            rates[i] = (after - before) / timedPass(bootstrap, topic, keys, values, done, after, partitioner);
        }
        note("%s: passes %s samples/s", stage, Arrays.stream(rates).mapToObj(r -> String.format("%,.0f", r)).collect(Collectors.joining(" ")));
        return Passes.of(rates);
    }

    /** Samples finished after {@code passes} passes over {@code n} values when they finish {@code unit} at a time. */
    static long finishedAfter(int passes, int n, int unit) {
        long sent = (long) passes * n;
        return sent - sent % unit;
    }

    /** Produces every value while the topology runs; seconds from the first send until {@code done} reaches {@code target}. */
    private double timedPass(String bootstrap, String topic, List<String> keys, List<byte[]> values, LongSupplier done, long target,
            String partitioner) throws InterruptedException {
        Map<String, Object> settings = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 262_144, ProducerConfig.ACKS_CONFIG, "all"));
        if (partitioner != null) {
            settings.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, partitioner);
        }
        long start = System.nanoTime();
        Thread feeder = new Thread(() -> {
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < values.size(); i++) {
                    producer.send(new ProducerRecord<>(topic, keys.get(i), values.get(i)));
                }
            }
        }, "bench-producer");
        feeder.start();
        while (done.getAsLong() < target) {
            if (System.nanoTime() - start > TIMEOUT_NANOS) {
                throw new IllegalStateException("only " + done.getAsLong() + " of " + target + " samples done after 10 minutes");
            }
            Thread.sleep(10);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        feeder.join();
        return seconds;
    }

    private NeurostreamConfig config(String bootstrap, Path work, String applicationId) {
        return config(bootstrap, work, applicationId, Map.of());
    }

    /** {@code defaults} apply unless the overrides (--set) say otherwise. */
    private NeurostreamConfig config(String bootstrap, Path work, String applicationId, Map<String, String> defaults) {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", bootstrap);
        settings.put("application.id", applicationId);
        settings.put("state.dir", work.resolve("state").toString());
        settings.put(NeurostreamConfig.TOPIC_PREFIX.name(), applicationId + ".");
        settings.put(NeurostreamConfig.HTTP_PORT.name(), "-1");
        settings.putAll(defaults);
        settings.putAll(overrides);
        return NeurostreamConfig.load(null, settings);
    }

    private static List<Sample> samples(Path mnistDir, int samples) {
        MnistSource source = MnistSource.load(mnistDir, Mnist.Split.TRAIN, true);
        if (samples < 1 || samples > source.size()) {
            throw new IllegalArgumentException("--samples must be between 1 and " + source.size() + ", got " + samples);
        }
        List<Sample> records = new ArrayList<>(samples);
        long now = System.currentTimeMillis();
        for (int i = 0; i < samples; i++) {
            records.add(source.sample(i, now));
        }
        return records;
    }

    private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long start = System.nanoTime();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (streams.state() == KafkaStreams.State.ERROR || System.nanoTime() - start > TIMEOUT_NANOS) {
                throw new IllegalStateException("Kafka Streams did not reach RUNNING: " + streams.state());
            }
            Thread.sleep(20);
        }
    }

    private static Path createWorkDir() {
        try {
            return Files.createTempDirectory("neurostream-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work directory for the pipeline benchmark", e);
        }
    }

    private void note(String format, Object... args) {
        log.printf(format + "%n", args);
        log.flush();
    }

    /** Decodes each sample exactly as the training topology does, then forwards it unchanged. */
    private static final class DecodeAndForward implements Processor<byte[], byte[], byte[], byte[]> {
        private final RecordDecoder<Sample> decoder = RecordDecoder.of(Sample.class);
        private final AtomicLong forwarded;
        private ProcessorContext<byte[], byte[]> context;

        DecodeAndForward(AtomicLong forwarded) {
            this.forwarded = forwarded;
        }

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            if (decoder.decode(record.value()) instanceof DecodeResult.Decoded<Sample>) {
                context.forward(record);
            }
            forwarded.incrementAndGet();
        }
    }
}
