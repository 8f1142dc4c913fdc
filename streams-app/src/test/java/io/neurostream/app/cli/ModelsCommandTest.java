// `neurostream models` list/show/validate, `models create` and `broker` argument errors: outputs, one-line errors, exit codes.
package io.neurostream.app.cli;

import static io.neurostream.app.cli.ProduceCommandTest.assertOneLineError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurostream.core.net.Network;
import io.neurostream.core.onnx.OnnxExport;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsCommandTest {
    private static final String SMALL_SPEC = """
            {"name": "tiny", "input": {"shape": [2]},
             "layers": [{"type": "dense", "units": 3, "activation": "tanh"}, {"type": "dense", "units": 2, "activation": "softmax"}],
             "loss": "cross_entropy", "optimizer": {"type": "sgd", "learning_rate": 0.1}}
            """;

    @Test
    void shouldListEveryPresetWithItsParameterCount() {
        CommandRun run = CommandRun.of("models", "list");

        assertEquals(0, run.exitCode(), run.err());
        for (String name : Presets.names()) {
            assertTrue(run.out().lines().anyMatch(l -> l.startsWith(name + " ")), name + " missing from:\n" + run.out());
        }
        assertTrue(run.out().lines().anyMatch(l -> l.matches("mnist-mlp\\s+101,770\\s+The multi-layer perceptron.*")), run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.matches("xor\\s+9\\s+Exclusive or.*")), run.out());
    }

    @Test
    void shouldShowAPresetAsJson() throws Exception {
        CommandRun run = CommandRun.of("models", "show", "xor");

        assertEquals(0, run.exitCode());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals("xor", json.get("name").asText());
        assertTrue(run.out().lines().count() > 3, "pretty, not one line");
    }

    @Test
    void shouldNameAnUnknownPreset() {
        assertOneLineError("neurostream models show: no preset \"lenet\"; presets: " + String.join(", ", Presets.names()),
                "models", "show", "lenet");
    }

    @Test
    void shouldValidateASpecAndSummariseItsLayers(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("tiny.json");
        Files.writeString(spec, SMALL_SPEC);

        CommandRun run = CommandRun.of("models", "validate", spec.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("OK: " + spec + ", model tiny (17 trainable parameters)"), run.out());
        assertTrue(run.out().contains("dense(2->3)"), run.out());
        assertTrue(run.out().contains("dense(3->2)"), run.out());
        assertTrue(run.out().contains("loss cross_entropy, optimizer sgd, batch 32"), run.out());
    }

    @Test
    void shouldRejectAnInvalidSpecInOneLineWithExitCode2(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("bad.json");
        Files.writeString(spec, SMALL_SPEC.replace("\"units\": 3", "\"units\": 0"));
        Path notJson = dir.resolve("broken.json");
        Files.writeString(notJson, "{\"name\": ");

        CommandRun bad = CommandRun.of("models", "validate", spec.toString());
        CommandRun broken = CommandRun.of("models", "validate", notJson.toString());

        assertEquals(2, bad.exitCode());
        assertEquals(1, bad.err().lines().count(), bad.err());
        assertTrue(bad.err().startsWith("neurostream models validate: " + spec + ": layers[0].units: "), bad.err());
        assertEquals(2, broken.exitCode());
        assertTrue(broken.err().startsWith("neurostream models validate: " + notJson + ": not valid JSON"), broken.err());
        assertOneLineError("neurostream models validate: missing.json: no such spec file, nor a preset (" + String.join(", ", Presets.names()) + ")",
                "models", "validate", "missing.json");
    }

    @Test
    void shouldApplyTheModelLimitsAndJsonLimitsInValidateAndCreate(@TempDir Path dir) throws Exception {
        Path huge = dir.resolve("huge.json");
        Files.writeString(huge, SMALL_SPEC.replace("\"units\": 3", "\"units\": 200000000"));
        Path deep = dir.resolve("deep.json");
        Files.writeString(deep, "{\"name\": \"deep\", \"description\": " + "[".repeat(3000) + "]".repeat(3000) + "}");

        CommandRun validate = CommandRun.of("models", "validate", huge.toString());
        assertEquals(2, validate.exitCode());
        assertEquals("neurostream models validate: model tiny: layers: 1,000,000,002 parameters, more than the limit of 10,000,000 "
                + "(neurostream.model.max.parameters)", validate.errLine());
        CommandRun lower = CommandRun.of("models", "validate", smallSpecFile(dir), "--set", "neurostream.model.max.parameters=16");
        assertEquals(2, lower.exitCode(), lower.out());
        assertTrue(lower.errLine().contains("17 parameters, more than the limit of 16"), lower.err());
        CommandRun nested = CommandRun.of("models", "validate", deep.toString());
        assertEquals(2, nested.exitCode());
        assertTrue(nested.errLine().startsWith("neurostream models validate: " + deep + ": not valid JSON: Document nesting depth"), nested.err());
        CommandRun create = CommandRun.of("models", "create", huge.toString(), "--bootstrap-servers", "127.0.0.1:1");
        assertEquals(2, create.exitCode());
        assertTrue(create.errLine().contains("1,000,000,002 parameters"), create.err());
    }

    private static String smallSpecFile(Path dir) throws java.io.IOException {
        Path spec = dir.resolve("tiny.json");
        Files.writeString(spec, SMALL_SPEC);
        return spec.toString();
    }

    @Test
    void shouldCheckTheSpecAndTheClusterBeforeCreating(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("tiny.json");
        Files.writeString(spec, SMALL_SPEC);

        assertOneLineError("neurostream models create: no Kafka cluster: give --bootstrap-servers or bootstrap.servers in --config",
                "models", "create", spec.toString());
        CommandRun badName = CommandRun.of("models", "create", spec.toString(), "--name", "no spaces", "--bootstrap-servers", "127.0.0.1:1");
        assertEquals(2, badName.exitCode());
        assertTrue(badName.errLine().startsWith("neurostream models create: name: must be 1-128 letters"), badName.err());

        CommandRun badSource = CommandRun.of("models", "create", spec.toString(), "--source", "a/b", "--bootstrap-servers", "127.0.0.1:1");
        assertEquals(2, badSource.exitCode());
        assertTrue(badSource.errLine().startsWith("neurostream models create: source: must be 1-128 letters"), badSource.err());
    }

    @Test
    void shouldRefuseInitialWeightsThatDoNotFitTheSpecBeforeContactingKafka(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("tiny.json");
        Files.writeString(spec, SMALL_SPEC);
        Path wider = dir.resolve("wider.onnx");
        Files.write(wider, OnnxExport.export(Network.create(ModelSpec.parse(SMALL_SPEC.replace("\"units\": 3", "\"units\": 4")))));
        Path garbage = dir.resolve("garbage.onnx");
        Files.writeString(garbage, "not protobuf");

        // port 1 has no broker: reaching Kafka would be exit 1 with another message, so these stop before anything is written
        CommandRun mismatch = CommandRun.of("models", "create", spec.toString(), "--init-from", wider.toString(), "--bootstrap-servers", "127.0.0.1:1");
        assertEquals(2, mismatch.exitCode(), mismatch.out());
        assertEquals("neurostream models create: " + wider + ": model tiny: parameter 0.W is [2, 3] but the ONNX model's tensor 0.W gives [2, 4]",
                mismatch.errLine());
        assertEquals(1, mismatch.err().lines().count(), mismatch.err());
        assertEquals("", mismatch.out());
        CommandRun unreadable = CommandRun.of("models", "create", spec.toString(), "--init-from", garbage.toString(), "--bootstrap-servers", "127.0.0.1:1");
        assertEquals(2, unreadable.exitCode(), unreadable.out());
        assertTrue(unreadable.errLine().startsWith("neurostream models create: " + garbage + ": "), unreadable.err());
        CommandRun missing = CommandRun.of("models", "create", spec.toString(), "--init-from", dir.resolve("none.onnx").toString(),
                "--bootstrap-servers", "127.0.0.1:1");
        assertEquals(2, missing.exitCode(), missing.out());
        assertTrue(missing.errLine().startsWith("neurostream models create: " + dir.resolve("none.onnx") + ": cannot read"), missing.err());
    }

    @Test
    void shouldRejectBadBrokerPortsInOneLine() {
        assertOneLineError("neurostream broker: --port must be 0 to 65535, got 70000", "broker", "--port", "70000");
        assertOneLineError("neurostream broker: --port and --controller-port must differ, both are 9500",
                "broker", "--port", "9500", "--controller-port", "9500");
    }

    @Test
    void shouldDocumentTheModelsAndBrokerCommands() {
        CommandRun models = CommandRun.of("models", "--help");
        CommandRun create = CommandRun.of("models", "create", "--help");
        CommandRun broker = CommandRun.of("broker", "--help");

        for (String sub : new String[] {"list", "show", "validate", "create"}) {
            assertTrue(models.out().contains(sub), models.out());
        }
        for (String option : new String[] {"--name", "--init-from", "--bootstrap-servers", "--config", "--set"}) {
            assertTrue(create.out().contains(option), create.out());
        }
        for (String option : new String[] {"--port", "--data-dir", "--controller-port", "Ctrl-C"}) {
            assertTrue(broker.out().contains(option), broker.out());
        }
    }
}
