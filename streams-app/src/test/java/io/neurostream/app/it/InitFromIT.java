// `models create --init-from` against a running app on a real broker: the model's first prediction is the ONNX model's, bit for bit.
package io.neurostream.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.cli.Main;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.state.InitPayloads;
import io.neurostream.app.versions.ModelVersionKeys;
import io.neurostream.core.net.Network;
import io.neurostream.core.onnx.OnnxExport;
import io.neurostream.core.onnx.OnnxImport;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.Sample;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;

@Tag("integration")
class InitFromIT {
    private static final String NAME = "init-from-it";
    /** 400 x 400 + 400 x 3 weights: 642 KB of float32, so the weights take two chunks. */
    private static final ModelSpec SPEC = ModelSpec.parse("""
            {"name": "warm", "input": {"shape": [400]},
             "layers": [{"type": "dense", "units": 400, "activation": "tanh"}, {"type": "dense", "units": 3, "activation": "softmax"}],
             "loss": "cross_entropy", "optimizer": {"type": "adam", "learning_rate": 0.01}, "batch_size": 2, "seed": 1}
            """);

    @TempDir
    Path dir;

    @Test
    void shouldStartTheRunningAppsModelFromTheOnnxWeights() throws Exception {
        Path spec = dir.resolve("warm.json");
        Files.writeString(spec, SPEC.json());
        Path onnx = dir.resolve("pretrained.onnx");
        Files.write(onnx, OnnxExport.export(Network.create(SPEC.with(Map.of("seed", 99)))));
        Network expected = Network.create(SPEC);
        OnnxImport.read(Files.readAllBytes(onnx)).loadInto(expected);
        float[] x = new float[400];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.37);
        }

        try (LiveApp live = LiveApp.start(dir.resolve("state"), NAME, 100)) {
            String bootstrap = live.kafka.bootstrapServers();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            int code = cli.execute("models", "create", spec.toString(), "--init-from", onnx.toString(), "--bootstrap-servers", bootstrap,
                    "--set", NeurostreamConfig.TOPIC_PREFIX.name() + "=" + NAME + ".");
            assertEquals(0, code, err.toString());
            assertTrue(out.toString().startsWith("initial weights from " + onnx + ": 646,727 bytes in 2 chunk(s) keyed warm/init/I\n"
                    + "model warm written to topic " + live.topics.models()), out.toString());

            List<ConsumerRecord<byte[], byte[]>> models = KafkaClients.readCommitted(bootstrap, live.topics.models(), r -> r.size() >= 3,
                    Duration.ofSeconds(1), Duration.ofSeconds(60));
            assertEquals(List.of("warm/init/0", "warm/init/1", "warm"), models.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList());
            int partitions = live.producer.partitionsFor(live.topics.models()).size();
            for (ConsumerRecord<byte[], byte[]> r : models) {
                assertEquals(ModelVersionKeys.partition("warm", partitions), r.partition(), "every record in the partition of the model's name");
            }
            assertNotNull(models.get(2).headers().lastHeader(InitPayloads.HEADER));

            // an unlabelled sample is predicted, not trained on; sent again until the app has read the spec (an earlier one is UNKNOWN_MODEL)
            List<ConsumerRecord<byte[], byte[]>> predictions = new ArrayList<>();
            for (int attempt = 0; predictions.isEmpty() && attempt < 60; attempt++) {
                Sample sample = Sample.newBuilder().setId("p" + attempt).setEventTime(Instant.now()).setValues(floats(x)).build();
                live.producer.send(new ProducerRecord<>(live.topics.samples(), ModelVersionKeys.partition("warm", partitions), System.currentTimeMillis(),
                        "warm".getBytes(StandardCharsets.UTF_8), NeurostreamSerdes.sample().encode(sample)));
                live.producer.flush();
                predictions = KafkaClients.readCommitted(bootstrap, live.topics.predictions(), r -> !r.isEmpty(), Duration.ZERO, Duration.ofSeconds(2));
            }
            assertEquals(1, predictions.size(), "one prediction");
            Prediction first = NeurostreamSerdes.prediction().deserializer().deserialize("p", predictions.get(0).value());
            assertEquals(0, first.getModelStep());
            assertEquals(floats(expected.predict(Nd4j.createFromArray(new float[][] {x})).data().asFloat()), first.getOutputs(),
                    "the ONNX model's prediction, bit for bit");
            assertNotEquals(floats(Network.create(SPEC).predict(Nd4j.createFromArray(new float[][] {x})).data().asFloat()), first.getOutputs());
        }
    }

    private static List<Float> floats(float[] values) {
        List<Float> out = new ArrayList<>(values.length);
        for (float v : values) {
            out.add(v);
        }
        return out;
    }
}
