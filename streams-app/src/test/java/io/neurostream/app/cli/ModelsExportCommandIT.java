// `models export NAME --bootstrap-servers`: the newest committed version on a real broker's model-versions topic goes out as ONNX, bit for bit.
package io.neurostream.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.neurostream.app.broker.EmbeddedKafka;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.runtime.TopicSetup;
import io.neurostream.app.topology.Topics;
import io.neurostream.app.versions.ModelPublisher;
import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.net.Network;
import io.neurostream.core.onnx.OnnxImport;
import io.neurostream.core.spec.Presets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class ModelsExportCommandIT {
    private static final String PREFIX = "export-it.";
    private static final long PUBLISHED_AT = 1_700_000_000_000L;
    private static final int CHUNK_BYTES = 64; // several chunks per version, as a large model has

    @TempDir
    Path dir;

    @Test
    void shouldExportTheNewestCommittedVersionWithItsExactWeights() throws Exception {
        Network fresh = Network.create(Presets.load("xor")); // step 0
        Network trained = trainXor(40); // step 10
        Network aborted = trainXor(80); // step 20, in a transaction that is aborted
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start()) {
            TopicSetup.ensureTopics(NeurostreamConfig.load(null, Map.of("bootstrap.servers", kafka.bootstrapServers(),
                    "application.id", "export-it", NeurostreamConfig.TOPIC_PREFIX.name(), PREFIX)));
            String topic = new Topics(PREFIX).modelVersions();
            try (KafkaProducer<byte[], byte[]> producer = transactionalProducer(kafka.bootstrapServers())) {
                producer.initTransactions();
                publish(producer, topic, fresh, PUBLISHED_AT, true);
                publish(producer, topic, trained, PUBLISHED_AT + 1_000, true);
                publish(producer, topic, aborted, PUBLISHED_AT + 2_000, false);
            }
            Path onnx = dir.resolve("xor.onnx");

            CommandRun export = CommandRun.of("models", "export", "xor", "--bootstrap-servers", kafka.bootstrapServers(),
                    "--set", NeurostreamConfig.TOPIC_PREFIX.name() + "=" + PREFIX, "--format", "onnx", "-o", onnx.toString());
            CommandRun none = CommandRun.of("models", "export", "circle", "--bootstrap-servers", kafka.bootstrapServers(),
                    "--set", NeurostreamConfig.TOPIC_PREFIX.name() + "=" + PREFIX, "-o", dir.resolve("circle.onnx").toString());

            assertEquals(0, export.exitCode(), export.err());
            assertEquals("model xor (step 10, version published at " + Instant.ofEpochMilli(PUBLISHED_AT + 1_000) + " on topic " + topic
                    + ") written to " + onnx + " as ONNX (IR version 8, opset 17, " + String.format("%,d", Files.size(onnx)) + " bytes)",
                    export.out().strip());
            Network imported = OnnxImport.read(Files.readAllBytes(onnx)).network();
            assertArrayEquals(trained.params().values().data().asFloat(), imported.params().values().data().asFloat(),
                    "the committed version's weights, bit for bit");
            assertEquals(trained.spec().json(), imported.spec().json());
            assertEquals(2, none.exitCode());
            assertEquals("neurostream models export: no published version of model circle on topic " + topic + "; publish one with "
                    + "'neurostream models publish circle' while run trains it (run also publishes one every "
                    + "neurostream.publish.interval.batches steps, 100 here)", none.errLine());
            assertFalse(Files.exists(dir.resolve("circle.onnx")));
        }
    }

    private Network trainXor(int samples) throws Exception {
        Path snapshot = dir.resolve("xor-" + samples + ".snapshot");
        CommandRun train = CommandRun.of("train", "--model", "xor", "--data", "xor", "--max-samples", Integer.toString(samples), "--save", snapshot.toString());
        assertEquals(0, train.exitCode(), train.err());
        return SnapshotCodec.decode(Files.readAllBytes(snapshot));
    }

    /** A version's chunks and manifest in one transaction, as the training processor writes them. */
    private static void publish(KafkaProducer<byte[], byte[]> producer, String topic, Network net, long at, boolean commit) {
        producer.beginTransaction();
        ModelPublisher.records("xor", net, at, CHUNK_BYTES).forEach(kv -> producer.send(new ProducerRecord<>(topic, 0, at, kv.key, kv.value)));
        if (commit) {
            producer.commitTransaction();
        } else {
            producer.flush();
            producer.abortTransaction();
        }
    }

    private static KafkaProducer<byte[], byte[]> transactionalProducer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "export-it-" + UUID.randomUUID(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"), new ByteArraySerializer(), new ByteArraySerializer());
    }
}
