// `models create --init-from` on a real broker: the chunks and the spec, committed in the partition of the name, start the model from the ONNX weights.
package io.neurostream.app.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.broker.EmbeddedKafka;
import io.neurostream.app.cli.Main;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.it.KafkaClients;
import io.neurostream.app.state.InitPayloads;
import io.neurostream.app.versions.ModelVersionKeys;
import io.neurostream.core.net.Network;
import io.neurostream.core.onnx.OnnxExport;
import io.neurostream.schemas.Prediction;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Tag("integration")
class InitFromIT {
    private static final String PREFIX = "init-from-it.";

    @TempDir
    Path dir;

    @Test
    void shouldWriteTheInitialWeightsWithTheSpecAndStartTheModelFromThem() throws Exception {
        Path spec = dir.resolve("warm.json");
        Files.writeString(spec, InitialWeightsTest.SPEC.json());
        Path onnx = dir.resolve("pretrained.onnx");
        Files.write(onnx, OnnxExport.export(Network.create(InitialWeightsTest.SPEC.with(Map.of("seed", 99)))));

        List<ConsumerRecord<byte[], byte[]>> records;
        int partitions;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start()) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            int code = cli.execute("models", "create", spec.toString(), "--init-from", onnx.toString(), "--bootstrap-servers", kafka.bootstrapServers(),
                    "--set", NeurostreamConfig.TOPIC_PREFIX.name() + "=" + PREFIX);
            assertEquals(0, code, err.toString());
            assertTrue(out.toString().startsWith("initial weights from " + onnx + ": 646,727 bytes in 2 chunk(s) keyed warm/init/I\n"
                    + "model warm written to topic " + PREFIX + "models"), out.toString());

            records = KafkaClients.readCommitted(kafka.bootstrapServers(), PREFIX + "models", r -> r.size() >= 3, Duration.ofSeconds(1), Duration.ofSeconds(60));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                partitions = admin.describeTopics(List.of(PREFIX + "models")).allTopicNames().get().get(PREFIX + "models").partitions().size();
            }
        }

        assertEquals(List.of("warm/init/0", "warm/init/1", "warm"), records.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            assertEquals(ModelVersionKeys.partition("warm", partitions), r.partition(), "every record in the partition of the model's name");
        }
        assertNotNull(records.get(2).headers().lastHeader(InitPayloads.HEADER));

        try (TopologyHarness harness = new TopologyHarness(dir.resolve("state"), Map.of(NeurostreamConfig.TOPIC_PREFIX.name(), PREFIX))) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                harness.models.pipeInput(new TestRecord<>(r.key(), r.value(), r.headers(), Instant.ofEpochMilli(r.timestamp())));
            }
            harness.send("warm", Samples.bytes(Samples.values("p1", InitialWeightsTest.features(1))));
            assertEquals(List.of(), harness.deadLetters());
            List<Prediction> predictions = harness.predictions();
            assertEquals(1, predictions.size());
            assertEquals(InitialWeightsTest.expected(InitialWeightsTest.initialised(), InitialWeightsTest.features(1)), predictions.get(0).getOutputs(),
                    "the first prediction is the ONNX model's, bit for bit");
        }
    }
}
