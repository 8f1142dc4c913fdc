// The Python recipe (fastavro) writes the same bytes as Java for the same Sample, and reads Java's Predictions.
package io.neurostream.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.neurostream.app.records.ReplicaKeys;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.schemas.ClassProbability;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.Sample;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class PythonRecipeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMinutes(1);
    private static final String RECIPE = "neurostream_avro.py";

    private static void assumePythonWithFastavro() throws Exception {
        assumeTrue(ClientRecipes.missing("python3").isEmpty(), ClientRecipes.missing("python3"));
        ClientRecipes.Result probe = ClientRecipes.run(ClientRecipes.folder("python"), List.of("python3", "-c", "import fastavro"), "", TIMEOUT);
        assumeTrue(probe.exitCode() == 0, "python3 has no fastavro (ops/scripts/install-test-tools installs it with pip): " + probe.err());
    }

    /** The sample as the recipe's command line takes it: the schema's fields, pixels in base64, eventTime in milliseconds. */
    private static String json(Sample sample) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", sample.getId());
        node.put("eventTime", sample.getEventTime().toEpochMilli());
        if (sample.getPixels() == null) {
            node.putNull("pixels");
        } else {
            node.put("pixels", Base64.getEncoder().encodeToString(sample.getPixels().array()));
        }
        node.set("values", JSON.valueToTree(sample.getValues()));
        node.set("tokens", JSON.valueToTree(sample.getTokens()));
        node.set("shape", JSON.valueToTree(sample.getShape()));
        node.set("label", JSON.valueToTree(sample.getLabel()));
        node.set("target", JSON.valueToTree(sample.getTarget()));
        return node.toString();
    }

    /** The README's rule for spreading a replicated model, in Python: the keys and partitions ReplicaKeys gives, for any id. */
    @Test
    void shouldKeyAndPartitionReplicaSamplesAsJavaDoes() throws Exception {
        assumePythonWithFastavro();
        List<String> ids = new ArrayList<>(List.of("", "a", "ab", "abc", "abcd", "mnist-train-0", "regression, ünïcode", "日本語-7"));
        for (int i = 0; i < 500; i++) {
            ids.add("mnist-train-" + i * 37);
        }
        for (String model : List.of("m", "lenet5-wide", "mnist.mlp_2")) {
            for (int[] rp : new int[][] {{1, 1}, {1, 6}, {2, 2}, {3, 7}, {8, 8}, {16, 64}}) {
                ObjectNode request = JSON.createObjectNode().put("model", model).put("replicas", rp[0]).put("partitions", rp[1]);
                request.set("ids", JSON.valueToTree(ids));
                ClientRecipes.Result python = ClientRecipes.run(ClientRecipes.folder("python"), List.of("python3", RECIPE, "replica-keys"),
                        request.toString(), TIMEOUT);

                assertEquals(0, python.exitCode(), python.err());
                JsonNode answer = JSON.readTree(python.out());
                for (int i = 0; i < ids.size(); i++) {
                    String key = rp[0] == 1 ? model : ReplicaKeys.key(model, ReplicaKeys.shardOf(ids.get(i), rp[0]));
                    assertEquals(key, answer.get(i).get(0).asText(), ids.get(i));
                    assertEquals(ReplicaKeys.partition(key, rp[1]), answer.get(i).get(1).asInt(), key + " among " + rp[1]);
                }
            }
        }
    }

    @Test
    void shouldEncodeSamplesToTheBytesJavaWrites() throws Exception {
        assumePythonWithFastavro();
        Instant time = Instant.ofEpochMilli(1_700_000_000_123L);
        List<Sample> samples = List.of(
                Sample.newBuilder().setId("xor-1-0").setEventTime(time).setValues(List.of(0.9137f, -0.1234567f)).setShape(List.of(2)).setLabel(1).build(),
                Sample.newBuilder().setId("mnist-train-7").setEventTime(time).setPixels(ByteBuffer.wrap(new byte[] {0, 127, (byte) 255, 3}))
                        .setShape(List.of(1, 2, 2)).setLabel(3).build(),
                Sample.newBuilder().setId("text-T3-0").setEventTime(time).setTokens(List.of(5, 0, 61, 7)).setShape(List.of(4)).build(),
                Sample.newBuilder().setId("regression, ünïcode").setEventTime(time).setValues(List.of(1e-30f, 3.4e38f, Float.MIN_VALUE))
                        .setShape(List.of(3)).setTarget(List.of(0.5f)).build());

        for (Sample sample : samples) {
            ClientRecipes.Result python = ClientRecipes.run(ClientRecipes.folder("python"), List.of("python3", RECIPE, "encode-sample"),
                    json(sample), TIMEOUT);

            assertEquals(0, python.exitCode(), python.err());
            assertEquals(HexFormat.of().formatHex(NeurostreamSerdes.sample().encode(sample)), python.out().strip(),
                    "fastavro's value for " + json(sample) + " is Java's, byte for byte");
        }
    }

    @Test
    void shouldDecodeAPredictionJavaWrites() throws Exception {
        assumePythonWithFastavro();
        Prediction prediction = Prediction.newBuilder().setSampleId("xor-1-7").setModel("my-xor").setModelStep(1_234).setPredictedClass(1)
                .setTopK(List.of(new ClassProbability(1, 0.75f), new ClassProbability(0, 0.25f))).setOutputs(List.of(0.75f)).setLabel(0)
                .setLoss(1.3862943611198906).setEventTime(Instant.ofEpochMilli(1_700_000_000_123L)).build();

        ClientRecipes.Result python = ClientRecipes.run(ClientRecipes.folder("python"), List.of("python3", RECIPE, "decode-prediction"),
                HexFormat.of().formatHex(NeurostreamSerdes.prediction().encode(prediction)), TIMEOUT);

        assertEquals(0, python.exitCode(), python.err());
        JsonNode decoded = JSON.readTree(python.out());
        assertEquals("xor-1-7", decoded.get("sampleId").asText());
        assertEquals("my-xor", decoded.get("model").asText());
        assertEquals(1_234, decoded.get("modelStep").asLong());
        assertEquals(1, decoded.get("predictedClass").asInt());
        assertEquals(0.25, decoded.get("topK").get(1).get("probability").asDouble());
        assertEquals(0, decoded.get("label").asInt());
        assertEquals(1.3862943611198906, decoded.get("loss").asDouble());
        assertEquals(1_700_000_000_123L, decoded.get("eventTime").asLong());
    }
}
