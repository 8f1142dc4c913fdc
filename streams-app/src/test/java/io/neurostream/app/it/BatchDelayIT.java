// On a real broker with exactly-once: a stream that stops mid-batch trains the partial batch after neurostream.batch.max.delay.ms; the close commits with its outputs and a restore from the changelog replays it bit for bit.
package io.neurostream.app.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.broker.EmbeddedKafka;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.runtime.NeurostreamApp;
import io.neurostream.app.runtime.TopicSetup;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.topology.Topics;
import io.neurostream.app.training.ModelRuntime;
import io.neurostream.app.training.Output;
import io.neurostream.app.training.PrequentialStats;
import io.neurostream.app.training.RuntimeSettings;
import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.TrainingMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class BatchDelayIT {
    private static final String MODEL = "mnist-mlp"; // batch of 32
    private static final int FIRST = 70;             // two whole batches and 6 samples the stream stops on
    private static final int TOTAL = FIRST + 32;
    private static final long BASE_TIME = System.currentTimeMillis() - 60_000;

    @TempDir
    Path tmp;

    private Map<String, String> settings(String bootstrap, String stateDir) {
        Map<String, String> s = new HashMap<>();
        s.put("bootstrap.servers", bootstrap);
        s.put("application.id", "batch-delay");
        s.put("state.dir", tmp.resolve(stateDir).toString()); // the second run has none: it restores from the changelog
        s.put("session.timeout.ms", "6000");
        s.put("heartbeat.interval.ms", "1000");
        s.put(NeurostreamConfig.HTTP_PORT.name(), "-1");
        s.put(NeurostreamConfig.SNAPSHOT_INTERVAL.name(), "2");
        // far above the time a batch takes to arrive from a topic that already holds it, so only the stop closes one
        s.put(NeurostreamConfig.BATCH_MAX_DELAY.name(), "3000");
        return s;
    }

    private static List<TrainingMetrics> awaitTrained(String bootstrap, Topics topics, long trained) {
        List<TrainingMetrics> metrics = KafkaClients.readCommitted(bootstrap, topics.metrics(),
                        rs -> rs.stream().anyMatch(r -> decode(r.value()).getSamplesTrained() == trained), Duration.ZERO, Duration.ofMinutes(2))
                .stream().map(r -> decode(r.value())).toList();
        assertEquals(trained, metrics.stream().mapToLong(TrainingMetrics::getSamplesTrained).max().orElse(0),
                "a committed metrics record counts every sample trained");
        return metrics;
    }

    private static TrainingMetrics decode(byte[] value) {
        return NeurostreamSerdes.trainingMetrics().deserializer().deserialize("m", value);
    }

    /** The model trained on the same samples with the same batches (32, 32, 6 closed, 32), without Kafka. */
    private static byte[] reference(List<byte[]> samples) {
        ModelRuntime runtime = new ModelRuntime(Network.create(ModelSpec.parse(Presets.json(MODEL))), new PrequentialStats(0.999, 1000),
                new RuntimeSettings(3, 1, 0.999, 1000, 1000, 0, 0));
        for (int i = 0; i < TOTAL; i++) {
            runtime.add(NeurostreamSerdes.sample().deserializer().deserialize("s", samples.get(i)), BASE_TIME + i, 0);
            if (runtime.batchFull() || i == FIRST - 1) {
                runtime.trainBatch(Output.NONE);
            }
        }
        return SnapshotCodec.encode(runtime.network());
    }

    @Test
    void shouldTrainThePartialBatchOfAStoppedStreamAndReplayTheCloseFromTheChangelog() throws Exception {
        List<byte[]> samples = MnistRecords.labelled(TOTAL);
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers())) {
            String bootstrap = kafka.bootstrapServers();
            Topics topics = new Topics("");
            TopicSetup.ensureTopics(NeurostreamConfig.load(null, settings(bootstrap, "run-1")));
            for (int i = 0; i < FIRST; i++) {
                KafkaClients.send(producer, topics.samples(), MODEL, samples.get(i), BASE_TIME + i);
            }
            producer.flush();
            try (NeurostreamApp app = NeurostreamApp.start(NeurostreamConfig.load(null, settings(bootstrap, "run-1")))) {
                awaitTrained(bootstrap, topics, FIRST);
            }
            ChangelogState stopped = ChangelogState.read(bootstrap, "batch-delay");
            assertEquals(64, SnapshotCodec.decode(stopped.snapshot(MODEL)).counters().samplesTrained(),
                    "the snapshot holds the two whole batches; the closed one is in the journal");
            assertTrue(stopped.journalLength(MODEL) > 6, "6 samples, their flush and the close: " + stopped.journalLength(MODEL));

            try (NeurostreamApp app = NeurostreamApp.start(NeurostreamConfig.load(null, settings(bootstrap, "run-2")))) {
                for (int i = FIRST; i < TOTAL; i++) {
                    KafkaClients.send(producer, topics.samples(), MODEL, samples.get(i), BASE_TIME + i);
                }
                producer.flush();
                awaitTrained(bootstrap, topics, TOTAL);
            }

            ChangelogState done = ChangelogState.read(bootstrap, "batch-delay");
            assertArrayEquals(reference(samples), done.snapshot(MODEL), "bit-identical to batches of 32, 32, 6 and 32");
            assertEquals(0, done.journalLength(MODEL), "the last snapshot covers every sample");
            Map<String, Long> perId = KafkaClients.readCommitted(bootstrap, topics.predictions(), rs -> rs.size() >= TOTAL, Duration.ofSeconds(3),
                            Duration.ofMinutes(1)).stream()
                    .map(r -> NeurostreamSerdes.prediction().deserializer().deserialize("p", r.value()))
                    .collect(Collectors.groupingBy(Prediction::getSampleId, Collectors.counting()));
            assertEquals(TOTAL, perId.size(), "a committed prediction for every sample");
            assertTrue(perId.values().stream().allMatch(n -> n == 1), "and only one");
        }
    }
}
