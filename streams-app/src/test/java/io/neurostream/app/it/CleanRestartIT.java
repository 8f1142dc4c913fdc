// A clean shutdown and a restart continue training where it stopped, with a model snapshot far over Kafka's 1 MB record limit.
package io.neurostream.app.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.broker.EmbeddedKafka;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.metrics.ModelProgress;
import io.neurostream.app.produce.ModelSpecPublisher;
import io.neurostream.app.runtime.NeurostreamApp;
import io.neurostream.app.topology.Topics;
import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class CleanRestartIT {
    private static final String PRESET = "mnist-cnn"; // conv32-conv64-fc1024 with Adam: a ~39 MB snapshot, 75 chunks
    private static final String MODEL = "restart-cnn";
    private static final int BATCH = 25;
    private static final int FIRST = 300;  // 12 batches, then a clean shutdown
    private static final int SECOND = 200; // 8 more batches after the restart
    private static final int SNAPSHOT_EVERY = 10;

    @TempDir
    Path tmp;

    private static ModelSpec spec() {
        return Presets.load(PRESET).with(Map.of("name", MODEL, "batch_size", BATCH));
    }

    private NeurostreamConfig config(String bootstrap, String applicationId) {
        Map<String, String> s = new HashMap<>();
        s.put("bootstrap.servers", bootstrap);
        s.put("application.id", applicationId);
        s.put("state.dir", tmp.resolve(applicationId).toString());
        s.put(NeurostreamConfig.TOPIC_PREFIX.name(), applicationId + ".");
        s.put(NeurostreamConfig.SNAPSHOT_INTERVAL.name(), Integer.toString(SNAPSHOT_EVERY));
        s.put(NeurostreamConfig.HTTP_PORT.name(), "-1");
        return NeurostreamConfig.load(null, s);
    }

    private static void produce(KafkaProducer<byte[], byte[]> producer, NeurostreamConfig config, List<byte[]> samples) {
        String topic = new Topics(config.string(NeurostreamConfig.TOPIC_PREFIX)).samples();
        long now = System.currentTimeMillis();
        samples.forEach(s -> KafkaClients.send(producer, topic, MODEL, s, now));
        producer.flush();
    }

    private static void awaitTrained(NeurostreamApp app, long trained) throws InterruptedException {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (ModelProgress.read(app.registry(), MODEL).trained() < trained) {
            assertTrue(System.nanoTime() < deadline, "trained " + ModelProgress.read(app.registry(), MODEL).trained() + " of " + trained);
            Thread.sleep(100);
        }
    }

    @Test
    void shouldContinueAfterACleanShutdownExactlyAsAnUninterruptedRun() throws Exception {
        List<byte[]> samples = MnistRecords.labelled(FIRST + SECOND);
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers())) {
            String bootstrap = kafka.bootstrapServers();

            // 1. Reference: every sample, one run.
            NeurostreamConfig ref = config(bootstrap, "ref");
            ModelSpecPublisher.publish(ref, spec(), "CleanRestartIT");
            produce(producer, ref, samples);
            try (NeurostreamApp app = NeurostreamApp.start(ref)) {
                awaitTrained(app, FIRST + SECOND);
            }
            byte[] reference = ChangelogState.read(bootstrap, "ref").snapshot(MODEL);

            // 2. The first part, a clean shutdown, then the rest on a restarted app with the same state directory.
            NeurostreamConfig restart = config(bootstrap, "restart");
            ModelSpecPublisher.publish(restart, spec(), "CleanRestartIT");
            produce(producer, restart, samples.subList(0, FIRST));
            try (NeurostreamApp app = NeurostreamApp.start(restart)) {
                awaitTrained(app, FIRST);
            }
            produce(producer, restart, samples.subList(FIRST, FIRST + SECOND));
            try (NeurostreamApp app = NeurostreamApp.start(restart)) {
                awaitTrained(app, SECOND);
                assertEquals(1, app.registry().find("neurostream.restore.duration").tag("model", MODEL).timer().count(),
                        "the restarted app restored the model from its store");
                assertEquals(SECOND, ModelProgress.read(app.registry(), MODEL).trained(), "it trained only the new samples");
                assertEquals((FIRST + SECOND) / BATCH, ModelProgress.read(app.registry(), MODEL).step(), "and continued from step " + FIRST / BATCH);
            }

            // 3. The same model, bit for bit, from a snapshot far larger than one Kafka record.
            ChangelogState state = ChangelogState.read(bootstrap, "restart");
            byte[] continued = state.snapshot(MODEL);
            assertTrue(continued.length > 1_000_000, "snapshot of " + continued.length + " bytes");
            assertArrayEquals(reference, continued, "the model after a clean restart is the uninterrupted one");
            assertEquals(FIRST + SECOND, SnapshotCodec.decode(continued).counters().samplesTrained());
        }
    }
}
