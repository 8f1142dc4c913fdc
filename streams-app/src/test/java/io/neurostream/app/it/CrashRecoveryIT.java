// Exactly once and bit-identical: the app is SIGKILLed three times mid-training and ends with the model an uninterrupted run makes
// (one model; one with half its labels later; two models on one stream).
package io.neurostream.app.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.broker.EmbeddedKafka;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.runtime.NeurostreamApp;
import io.neurostream.app.runtime.TopicSetup;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.topology.Topics;
import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.Presets;
import io.neurostream.app.serde.DecodeResult;
import io.neurostream.schemas.Label;
import io.neurostream.schemas.ModelSpecRecord;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.Sample;
import io.neurostream.schemas.TrainingMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class CrashRecoveryIT {
    private static final int SAMPLES = 5_000;
    private static final String MODEL = "crash-mlp";
    private static final int BATCH = 40;          // 5,000 = 125 batches: every sample ends trained
    private static final int SNAPSHOT_EVERY = 25; // batches; the last snapshot covers everything
    // Record timestamps near now: the broker deletes records older than the topic's retention (7 days by default).
    private static final long BASE_TIME = System.currentTimeMillis() - 60_000;
    private static final Path LOGS = Path.of("target", "it-logs", "crash-recovery");
    /** Two models on one stream: neither is named like it, both name it as their source. */
    private static final String STREAM = "digits";
    private static final List<String> STREAM_MODELS = List.of("crash-mlp-32", "crash-mlp-64");
    private static final int STREAM_SAMPLES = 3_000; // 75 batches of 40: the last snapshot (every 25) covers everything
    /**
     * A run of the two-model case is killed once both models have committed this many samples of its chunk of 750 (5 batches of
     * 40): never before it trained anything, however slow the machine, and while its chunk still streams in (bursts of 150 every
     * 400 ms) or trains.
     */
    private static final int KILL_INTO_CHUNK = 200;

    @TempDir
    Path tmp;

    private static String spec() {
        return Presets.json("mnist-mlp").replace("\"mnist-mlp\"", "\"" + MODEL + "\"").replace("\"batch_size\": 32", "\"batch_size\": " + BATCH);
    }

    /** A narrower mnist-mlp reading STREAM: 784 -> units ReLU -> 10, its own seed. */
    private static String streamSpec(String name, int units, long seed) {
        String json = spec().replace("\"" + MODEL + "\"", "\"" + name + "\"").replace("\"units\": 128", "\"units\": " + units)
                .replace("\"seed\": 42", "\"seed\": " + seed + ", \"source\": \"" + STREAM + "\"");
        if (!json.contains("\"units\": " + units + ",") || !json.contains("\"source\"")) {
            throw new IllegalStateException("the mnist-mlp preset changed; cannot derive " + name + " from it: " + json);
        }
        return json;
    }

    private Map<String, String> settings(String bootstrap, String prefix, String applicationId) {
        Map<String, String> s = new HashMap<>();
        s.put("bootstrap.servers", bootstrap);
        s.put("application.id", applicationId);
        s.put("state.dir", tmp.resolve(applicationId).toString());
        s.put("session.timeout.ms", "6000");
        s.put("heartbeat.interval.ms", "1000");
        s.put(NeurostreamConfig.TOPIC_PREFIX.name(), prefix);
        s.put(NeurostreamConfig.SNAPSHOT_INTERVAL.name(), Integer.toString(SNAPSHOT_EVERY));
        s.put(NeurostreamConfig.HTTP_PORT.name(), "-1");
        return s;
    }

    /**
     * An embedded broker with a producer, and the two apps every test compares: the uninterrupted reference {@link #REF_APP} on the
     * topics "ref.*" and the crashed {@link #CRASH_APP} on "crash.*", their settings and topics.
     */
    private record TwoApps(EmbeddedKafka kafka, KafkaProducer<byte[], byte[]> producer, String bootstrap, Map<String, String> ref,
                           Topics refTopics, Map<String, String> crash, Topics crashTopics) implements AutoCloseable {
        static final String REF_APP = "ref-app";
        static final String CRASH_APP = "crash-app";

        /** The crashed app's committed predictions, once there are at least {@code atLeast} (or after a minute). */
        List<Prediction> crashPredictions(int atLeast) {
            return KafkaClients.readCommitted(bootstrap, crashTopics.predictions(), rs -> rs.size() >= atLeast, Duration.ofSeconds(3),
                    Duration.ofMinutes(1)).stream().map(r -> NeurostreamSerdes.prediction().deserializer().deserialize("p", r.value())).toList();
        }

        void assertNothingDeadLettered() {
            assertTrue(KafkaClients.readCommitted(bootstrap, crashTopics.deadLetters(), rs -> false, Duration.ZERO, Duration.ofSeconds(3)).isEmpty(),
                    "nothing dead-lettered");
        }

        @Override
        public void close() {
            try {
                producer.close();
            } finally {
                kafka.close();
            }
        }
    }

    /** Starts a broker and creates the topics of both apps, whose settings are {@link #settings} plus {@code extra}. */
    private TwoApps twoApps(Map<String, String> extra) {
        EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
        try {
            String bootstrap = kafka.bootstrapServers();
            Map<String, String> ref = settings(bootstrap, "ref.", TwoApps.REF_APP);
            Map<String, String> crash = settings(bootstrap, "crash.", TwoApps.CRASH_APP);
            ref.putAll(extra);
            crash.putAll(extra);
            TopicSetup.ensureTopics(NeurostreamConfig.load(null, ref));
            TopicSetup.ensureTopics(NeurostreamConfig.load(null, crash));
            return new TwoApps(kafka, KafkaClients.producer(bootstrap), bootstrap, ref, new Topics("ref."), crash, new Topics("crash."));
        } catch (RuntimeException | Error e) {
            kafka.close();
            throw e;
        }
    }

    private static void produceSpec(KafkaProducer<byte[], byte[]> producer, Topics topics) {
        produceSpec(producer, topics, MODEL, spec());
    }

    private static void produceSpec(KafkaProducer<byte[], byte[]> producer, Topics topics, String model, String json) {
        ModelSpecRecord record = ModelSpecRecord.newBuilder().setName(model).setSpecJson(json).setCreatedAt(Instant.ofEpochMilli(BASE_TIME)).build();
        KafkaClients.send(producer, topics.models(), model, NeurostreamSerdes.modelSpec().encode(record), BASE_TIME - 1);
        producer.flush();
    }

    private static void produceSamples(KafkaProducer<byte[], byte[]> producer, Topics topics, List<byte[]> samples, int from, int to, long pauseEvery,
                                       long pauseMillis)
            throws InterruptedException {
        produce(producer, topics.samples(), MODEL, samples, from, to, BASE_TIME, pauseEvery, pauseMillis);
    }

    private static void produce(KafkaProducer<byte[], byte[]> producer, String topic, List<byte[]> records, int from, int to, long baseTime,
                                long pauseEvery, long pauseMillis)
            throws InterruptedException {
        produce(producer, topic, MODEL, records, from, to, baseTime, pauseEvery, pauseMillis);
    }

    /**
     * Records {@code from} .. {@code to - 1} of a list to a topic, keyed {@code key}, record i stamped {@code baseTime + i}, in paced
     * bursts when pauseEvery > 0.
     */
    private static void produce(KafkaProducer<byte[], byte[]> producer, String topic, String key, List<byte[]> records, int from, int to,
                                long baseTime, long pauseEvery, long pauseMillis)
            throws InterruptedException {
        for (int i = from; i < to; i++) {
            KafkaClients.send(producer, topic, key, records.get(i), baseTime + i);
            if (pauseEvery > 0 && i % pauseEvery == pauseEvery - 1) {
                producer.flush();
                Thread.sleep(pauseMillis);
            }
        }
        producer.flush();
    }

    /** Whether, for each model, a metrics record says that all {@code samples} are trained. */
    private static boolean trainedAll(List<ConsumerRecord<byte[], byte[]>> metrics, int samples, List<String> models) {
        return metrics.stream().map(r -> NeurostreamSerdes.trainingMetrics().deserializer().deserialize("m", r.value()))
                .filter(m -> m.getSamplesTrained() == samples).map(TrainingMetrics::getModel).distinct().count() == models.size();
    }

    private static List<TrainingMetrics> awaitAllTrained(String bootstrap, Topics topics) {
        return awaitAllTrained(bootstrap, topics, SAMPLES, List.of(MODEL));
    }

    /**
     * Reads the metrics topic (to its end, again and again: no consumer group to join, so the kill follows within a fraction of a
     * second) until, for each model, a committed record says at least {@code samples} are trained.
     */
    private static void awaitTrainedAtLeast(String bootstrap, Topics topics, int samples, List<String> models) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (trainedAtLeast(KafkaClients.readCommittedToEnd(bootstrap, topics.metrics(), Duration.ofSeconds(30)), samples) < models.size()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not every one of " + models + " had " + samples + " samples trained, committed, within 3 minutes");
            }
            Thread.sleep(50);
        }
    }

    private static long trainedAtLeast(List<ConsumerRecord<byte[], byte[]>> metrics, int samples) {
        return metrics.stream().map(r -> NeurostreamSerdes.trainingMetrics().deserializer().deserialize("m", r.value()))
                .filter(m -> m.getSamplesTrained() >= samples).map(TrainingMetrics::getModel).distinct().count();
    }

    /** Reads the metrics topic until, for each model, a record says every sample is trained; reports progress while waiting. */
    private static List<TrainingMetrics> awaitAllTrained(String bootstrap, Topics topics, int samples, List<String> models) {
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        List<TrainingMetrics> metrics = List.of();
        while (System.nanoTime() < deadline) {
            metrics = KafkaClients.readCommitted(bootstrap, topics.metrics(), rs -> trainedAll(rs, samples, models), Duration.ZERO,
                            Duration.ofSeconds(10))
                    .stream().map(r -> NeurostreamSerdes.trainingMetrics().deserializer().deserialize("m", r.value())).toList();
            Map<String, Long> trained = metrics.stream()
                    .collect(Collectors.toMap(TrainingMetrics::getModel, TrainingMetrics::getSamplesTrained, Math::max));
            if (models.stream().allMatch(m -> trained.getOrDefault(m, 0L) == samples)) {
                return metrics;
            }
            System.out.println("waiting for " + topics.metrics() + ": of " + samples + " samples, trained so far " + trained);
        }
        throw new AssertionError("not all " + samples + " samples trained by " + models + " within the timeout; metrics records: " + metrics.size());
    }

    @Test
    void shouldEndBitIdenticalAfterThreeSigkillsWithExactlyOnePredictionPerSample() throws Exception {
        List<byte[]> samples = MnistRecords.labelled(SAMPLES);
        try (TwoApps apps = twoApps(Map.of())) {
            // 1. The uninterrupted reference run, in this JVM.
            produceSpec(apps.producer, apps.refTopics);
            produceSamples(apps.producer, apps.refTopics, samples, 0, SAMPLES, 0, 0);
            try (NeurostreamApp app = NeurostreamApp.start(NeurostreamConfig.load(null, apps.ref))) {
                awaitAllTrained(apps.bootstrap, apps.refTopics);
            }
            byte[] reference = ChangelogState.read(apps.bootstrap, TwoApps.REF_APP).snapshot(MODEL);

            // 2. The same input in four chunks, each produced in paced bursts while a child JVM trains on it; the first
            //    three runs are killed with SIGKILL in the middle of their chunk, the last one restores and finishes.
            produceSpec(apps.producer, apps.crashTopics);
            int chunk = SAMPLES / 4;
            AppProcess app = killedThreeTimes(apps, "run-", run -> {
                int from = run * chunk;
                produceSamples(apps.producer, apps.crashTopics, samples, from, from + chunk, 250, 400);
            }, run -> { }, run -> Thread.sleep(900 + 300L * run)); // each kill inside its chunk's 2 s of bursts
            List<TrainingMetrics> metrics = awaitThenStop(app, () -> awaitAllTrained(apps.bootstrap, apps.crashTopics));
            assertTrue(app.log().contains("PENDING_SHUTDOWN -> NOT_RUNNING"), "Kafka Streams closed cleanly on SIGTERM");

            // 3. Bit-identical model, one prediction per sample, nothing dead-lettered.
            ChangelogState state = ChangelogState.read(apps.bootstrap, TwoApps.CRASH_APP);
            byte[] crashed = state.snapshot(MODEL);
            assertArrayEquals(reference, crashed, "the model after three SIGKILLs is bit-identical to the uninterrupted one");
            Network model = SnapshotCodec.decode(crashed);
            assertEquals(SAMPLES, model.counters().samplesTrained());
            assertEquals(0, state.journalLength(MODEL), "the last snapshot covers every sample");
            assertEquals(SAMPLES, metrics.stream().mapToLong(TrainingMetrics::getSamplesTrained).max().orElseThrow());

            List<Prediction> predictions = apps.crashPredictions(SAMPLES);
            Map<String, Long> perId = predictions.stream()
                    .collect(Collectors.groupingBy(Prediction::getSampleId, Collectors.counting()));
            assertEquals(SAMPLES, perId.size(), "a prediction for every sample");
            assertTrue(perId.values().stream().allMatch(c -> c == 1), "exactly one prediction per sample id");
            assertEquals(SAMPLES, predictions.size());
            apps.assertNothingDeadLettered();
            assertTrue(app.log().contains("restored at step"), "the last start restored the model from the store");
        }
    }

    /**
     * The samples at odd positions come without a label, and their labels come after every sample, on the labels topic (stamped
     * after the samples, so that Kafka Streams, which merges the two topics by timestamp, takes them in the same order in both
     * runs); each SIGKILL falls while samples or labels stream in. The crashed run waits for every sample to be predicted before
     * producing labels, as the reference run's merge by timestamp does.
     */
    @Test
    void shouldEndBitIdenticalAfterThreeSigkillsWithHalfTheSamplesLabelledLater() throws Exception {
        List<byte[]> samples = MnistRecords.labelled(SAMPLES);
        List<byte[]> withLabelsLater = new ArrayList<>();
        List<byte[]> labels = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            if (i % 2 == 0) {
                withLabelsLater.add(samples.get(i));
                continue;
            }
            Sample s = NeurostreamSerdes.sample().decoder().decode(samples.get(i)) instanceof DecodeResult.Decoded<Sample> ok ? ok.record() : null;
            withLabelsLater.add(NeurostreamSerdes.sample().encode(Sample.newBuilder(s).setLabel(null).build()));
            labels.add(NeurostreamSerdes.label().encode(Label.newBuilder().setId(s.getId()).setLabel(s.getLabel())
                    .setEventTime(s.getEventTime()).build()));
        }
        long labelsTime = BASE_TIME + SAMPLES;
        try (TwoApps apps = twoApps(Map.of(NeurostreamConfig.LABELS_MAX_DELAY.name(), "3600000"))) {
            // 1. The uninterrupted reference run, in this JVM, on everything produced first.
            produceSpec(apps.producer, apps.refTopics);
            produce(apps.producer, apps.refTopics.samples(), withLabelsLater, 0, SAMPLES, BASE_TIME, 0, 0);
            produce(apps.producer, apps.refTopics.labels(), labels, 0, labels.size(), labelsTime, 0, 0);
            try (NeurostreamApp app = NeurostreamApp.start(NeurostreamConfig.load(null, apps.ref))) {
                awaitAllTrained(apps.bootstrap, apps.refTopics);
            }
            byte[] reference = ChangelogState.read(apps.bootstrap, TwoApps.REF_APP).snapshot(MODEL);

            // 2. Samples in two chunks, then labels in two, each produced in paced bursts while a child JVM works on it; the
            //    first three runs are killed with SIGKILL in the middle of their chunk, the last one restores and finishes.
            produceSpec(apps.producer, apps.crashTopics);
            AppProcess app = killedThreeTimes(apps, "labels-run-", run -> {
                boolean labelRun = run >= 2;
                List<byte[]> records = labelRun ? labels : withLabelsLater;
                int chunk = records.size() / 2;
                int from = (run % 2) * chunk;
                produce(apps.producer, labelRun ? apps.crashTopics.labels() : apps.crashTopics.samples(), records, from, from + chunk,
                        labelRun ? labelsTime : BASE_TIME, 250, 400);
            }, run -> {
                if (run == 2) {
                    awaitPredictions(apps.bootstrap, apps.crashTopics, SAMPLES);
                }
            }, run -> Thread.sleep(900 + 300L * (run % 2)));
            List<TrainingMetrics> metrics = awaitThenStop(app, () -> awaitAllTrained(apps.bootstrap, apps.crashTopics));

            // 3. Bit-identical model; a prediction per sample on arrival and one outcome per label; nothing dead-lettered.
            ChangelogState state = ChangelogState.read(apps.bootstrap, TwoApps.CRASH_APP);
            byte[] crashed = state.snapshot(MODEL);
            assertArrayEquals(reference, crashed, "the model after three SIGKILLs, half its samples labelled later, is bit-identical");
            assertEquals(SAMPLES, SnapshotCodec.decode(crashed).counters().samplesTrained());
            assertEquals(SAMPLES, metrics.stream().mapToLong(TrainingMetrics::getSamplesTrained).max().orElseThrow());
            List<Prediction> predictions = apps.crashPredictions(SAMPLES + labels.size());
            assertEquals(SAMPLES + labels.size(), predictions.size(), "one prediction per sample, and one outcome per label");
            Map<String, Long> outcomes = predictions.stream().filter(p -> p.getLabel() != null)
                    .collect(Collectors.groupingBy(Prediction::getSampleId, Collectors.counting()));
            assertEquals(SAMPLES, outcomes.size(), "every sample scored once: on arrival, or when its label came");
            assertTrue(outcomes.values().stream().allMatch(c -> c == 1));
            apps.assertNothingDeadLettered();
        }
    }

    /**
     * Two models on one stream, each its own width and seed: three SIGKILLs, and both end bit-identical to an uninterrupted run,
     * each with exactly one committed prediction per sample (the stream's records are read once, each model predicts and learns
     * every one, and a restore replays each model's journal).
     */
    @Test
    void shouldEndBothModelsOfOneStreamBitIdenticalAfterThreeSigkills() throws Exception {
        List<byte[]> samples = MnistRecords.labelled(STREAM_SAMPLES);
        try (TwoApps apps = twoApps(Map.of())) {
            Map<String, String> specs = Map.of(STREAM_MODELS.get(0), streamSpec(STREAM_MODELS.get(0), 32, 7),
                    STREAM_MODELS.get(1), streamSpec(STREAM_MODELS.get(1), 64, 11));

            // 1. The uninterrupted reference run, in this JVM.
            specs.forEach((model, json) -> produceSpec(apps.producer, apps.refTopics, model, json));
            produce(apps.producer, apps.refTopics.samples(), STREAM, samples, 0, STREAM_SAMPLES, BASE_TIME, 0, 0);
            Map<String, byte[]> reference = new HashMap<>();
            try (NeurostreamApp app = NeurostreamApp.start(NeurostreamConfig.load(null, apps.ref))) {
                awaitAllTrained(apps.bootstrap, apps.refTopics, STREAM_SAMPLES, STREAM_MODELS);
            }
            ChangelogState refState = ChangelogState.read(apps.bootstrap, TwoApps.REF_APP);
            STREAM_MODELS.forEach(m -> reference.put(m, refState.snapshot(m)));
            assertFalse(Arrays.equals(reference.get(STREAM_MODELS.get(0)), reference.get(STREAM_MODELS.get(1))), "two different models");

            // 2. The same input in four chunks, each produced in paced bursts while a child JVM trains on it; the first three runs
            //    are killed with SIGKILL in the middle of their chunk, the last one restores both models and finishes.
            specs.forEach((model, json) -> produceSpec(apps.producer, apps.crashTopics, model, json));
            int chunk = STREAM_SAMPLES / 4;
            AppProcess app = killedThreeTimes(apps, "stream-run-", run -> {
                int from = run * chunk;
                produce(apps.producer, apps.crashTopics.samples(), STREAM, samples, from, from + chunk, BASE_TIME, 150, 400);
            }, run -> { }, run -> awaitTrainedAtLeast(apps.bootstrap, apps.crashTopics, run * chunk + KILL_INTO_CHUNK, STREAM_MODELS));
            List<TrainingMetrics> metrics = awaitThenStop(app,
                    () -> awaitAllTrained(apps.bootstrap, apps.crashTopics, STREAM_SAMPLES, STREAM_MODELS));

            // 3. Both models bit-identical; per model, one prediction per sample; nothing dead-lettered.
            ChangelogState state = ChangelogState.read(apps.bootstrap, TwoApps.CRASH_APP);
            for (String model : STREAM_MODELS) {
                byte[] crashed = state.snapshot(model);
                assertArrayEquals(reference.get(model), crashed, model + " after three SIGKILLs is bit-identical to the uninterrupted one");
                assertEquals(STREAM_SAMPLES, SnapshotCodec.decode(crashed).counters().samplesTrained(), model);
                assertEquals(0, state.journalLength(model), model + ": the last snapshot covers every sample");
                assertEquals(STREAM_SAMPLES, metrics.stream().filter(m -> m.getModel().equals(model)).mapToLong(TrainingMetrics::getSamplesTrained)
                        .max().orElseThrow(), model);
            }
            List<Prediction> predictions = apps.crashPredictions(STREAM_MODELS.size() * STREAM_SAMPLES);
            assertEquals(STREAM_MODELS.size() * STREAM_SAMPLES, predictions.size(), "one prediction per sample and model");
            Map<String, Map<String, Long>> perModel = predictions.stream().collect(Collectors.groupingBy(Prediction::getModel,
                    Collectors.groupingBy(Prediction::getSampleId, Collectors.counting())));
            assertEquals(Set.copyOf(STREAM_MODELS), perModel.keySet(), "predictions name their model");
            for (String model : STREAM_MODELS) {
                assertEquals(STREAM_SAMPLES, perModel.get(model).size(), model + ": a prediction for every sample");
                assertTrue(perModel.get(model).values().stream().allMatch(c -> c == 1), model + ": exactly one prediction per sample id");
            }
            apps.assertNothingDeadLettered();
            for (int run = 1; run <= 3; run++) {
                String log = Files.readString(LOGS.resolve("stream-run-" + run + ".log"));
                for (String model : STREAM_MODELS) {
                    assertTrue(log.contains("model " + model + ": restored at step"), "start " + run + " restored " + model + " from the store");
                }
            }
        }
    }

    /** What a run of the child app is fed (on a thread of its own), or what it waits for before the kill. */
    private interface Feed {
        void run(int run) throws InterruptedException;
    }

    /**
     * Four runs of the crashed app, each a child JVM logging to {@code logPrefix + run + ".log"}, each while {@code feed} produces its
     * part; the first three are killed with SIGKILL once {@code killPoint} returns (a time or some progress into their part) and a
     * new child restores from the changelog. Returns the last child, running.
     */
    private static AppProcess killedThreeTimes(TwoApps apps, String logPrefix, Feed feed, IntConsumer beforeRun, Feed killPoint) throws Exception {
        AppProcess app = AppProcess.start(apps.bootstrap, apps.crash, LOGS.resolve(logPrefix + "0.log"));
        try {
            for (int run = 0; run < 4; run++) {
                app.awaitRunning(180);
                beforeRun.accept(run);
                int current = run;
                Thread feeder = new Thread(() -> {
                    try {
                        feed.run(current);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "feeder");
                feeder.start();
                if (run < 3) {
                    killPoint.run(run);
                    assertTrue(app.isAlive(), "still running before kill " + (run + 1));
                    app.kill();
                    feeder.join();
                    app = AppProcess.start(apps.bootstrap, apps.crash, LOGS.resolve(logPrefix + (run + 1) + ".log"));
                } else {
                    feeder.join();
                }
            }
        } catch (Throwable t) {
            if (app.isAlive()) {
                app.kill();
            }
            throw t;
        }
        return app;
    }

    /** Waits for {@code done}, then stops the app with SIGTERM; kills it if anything fails on the way. */
    private static <T> T awaitThenStop(AppProcess app, Callable<T> done) throws Exception {
        try {
            T result = done.call();
            assertEquals(AppProcess.EXIT_ON_SIGTERM, app.stop(), "the JVM ends by SIGTERM after its shutdown hook");
            return result;
        } finally {
            if (app.isAlive()) {
                app.kill();
            }
        }
    }

    /** Waits until the predictions topic has a committed prediction for {@code n} distinct samples. */
    private static void awaitPredictions(String bootstrap, Topics topics, int n) {
        List<ConsumerRecord<byte[], byte[]>> predictions = KafkaClients.readCommitted(bootstrap, topics.predictions(),
                rs -> rs.stream().map(r -> NeurostreamSerdes.prediction().deserializer().deserialize("p", r.value()).getSampleId()).distinct().count() >= n,
                Duration.ZERO, Duration.ofMinutes(3));
        assertTrue(predictions.size() >= n, "every sample predicted before the labels come: " + predictions.size());
    }
}
