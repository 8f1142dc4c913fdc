// `produce` and `models create` against a real broker: what they write reads back decodable, keyed, complete and with unique ids.
package io.neurostream.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.broker.EmbeddedKafka;
import io.neurostream.app.cli.Main;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.core.data.DataLocator;
import io.neurostream.core.data.ImageDataset;
import io.neurostream.core.data.Mnist;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import io.neurostream.schemas.ModelSpecRecord;
import io.neurostream.schemas.Sample;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Tag("integration")
class ProduceCommandIT {
    private static final int LIMIT = 500;
    private static final Duration SETTLE = Duration.ofMillis(500);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void shouldProduceMnistSamplesAndCreateAModelThatReadBackIntact(@TempDir Path dir) throws Exception {
        Path mnist = DataLocator.locate().resolve("mnist");
        String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + "-";

        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            String bootstrap = kafka.bootstrapServers();

            StringWriter produceOut = new StringWriter();
            int produced = execute(produceOut, "produce", "--bootstrap-servers", bootstrap, "--model", "mnist-mlp",
                    "--mnist", mnist.toString(), "--limit", String.valueOf(LIMIT), "--set", "neurostream.topic.prefix=" + prefix);

            assertEquals(0, produced, produceOut.toString());
            assertTrue(produceOut.toString().contains("produced 500 samples to topic " + prefix + "samples (key mnist-mlp)"), produceOut.toString());
            List<ConsumerRecord<byte[], byte[]>> samples = KafkaClients.readCommitted(bootstrap, prefix + "samples",
                    r -> r.size() >= LIMIT, SETTLE, TIMEOUT);
            assertEquals(LIMIT, samples.size());
            ImageDataset train = Mnist.train(mnist);
            Set<String> ids = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> record : samples) {
                assertEquals("mnist-mlp", new String(record.key(), StandardCharsets.UTF_8));
                Sample sample = NeurostreamSerdes.sample().deserializer().deserialize(record.topic(), record.value());
                assertTrue(ids.add(sample.getId()), "duplicate id " + sample.getId());
                int index = Integer.parseInt(sample.getId().substring("mnist-train-".length()));
                assertEquals(train.label(index), sample.getLabel());
                assertEquals(List.of(1, 28, 28), sample.getShape());
                assertEquals(784, sample.getPixels().remaining());
            }
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < LIMIT; i++) {
                expected.add("mnist-train-" + i);
            }
            assertEquals(expected, ids);

            Path spec = dir.resolve("xor-spec.json");
            Files.writeString(spec, Presets.json("xor"));
            StringWriter createOut = new StringWriter();
            int created = execute(createOut, "models", "create", spec.toString(), "--name", "xor-it",
                    "--bootstrap-servers", bootstrap, "--set", "neurostream.topic.prefix=" + prefix);

            assertEquals(0, created, createOut.toString());
            assertTrue(createOut.toString().startsWith("model xor-it written to topic " + prefix + "models"), createOut.toString());
            List<ConsumerRecord<byte[], byte[]>> models = KafkaClients.readCommitted(bootstrap, prefix + "models",
                    r -> !r.isEmpty(), SETTLE, TIMEOUT);
            assertEquals(1, models.size());
            assertEquals("xor-it", new String(models.get(0).key(), StandardCharsets.UTF_8));
            ModelSpecRecord record = NeurostreamSerdes.modelSpec().deserializer().deserialize(prefix + "models", models.get(0).value());
            assertEquals("xor-it", record.getName());
            assertEquals("xor-it", ModelSpec.parse(record.getSpecJson()).name());
            assertEquals(Presets.load("xor").layers().size(), ModelSpec.parse(record.getSpecJson()).layers().size());
            assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT, cleanupPolicy(bootstrap, prefix + "models"));
        }
    }

    @Test
    void shouldHoldTheRateAndWriteToAGivenTopic() {
        String topic = "points-" + UUID.randomUUID();

        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            StringWriter out = new StringWriter();
            long start = System.nanoTime();
            int code = execute(out, "produce", "--bootstrap-servers", kafka.bootstrapServers(), "--model", "xor",
                    "--synthetic", "xor", "--count", "40", "--rate", "100/s", "--topic", topic);
            double seconds = (System.nanoTime() - start) / 1e9;

            assertEquals(0, code, out.toString());
            assertTrue(seconds >= 0.39, "40 samples at 100/s take at least 0.39 s, took " + seconds);
            List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.readCommitted(kafka.bootstrapServers(), topic,
                    r -> r.size() >= 40, SETTLE, TIMEOUT);
            assertEquals(40, records.size());
        }
    }

    private static int execute(StringWriter out, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out, true));
        return cli.execute(args);
    }

    private static String cleanupPolicy(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            return config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
        }
    }
}
