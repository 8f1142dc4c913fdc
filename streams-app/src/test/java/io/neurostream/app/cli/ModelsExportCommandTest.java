// `train --save`, `models export --format onnx` and `train --init-from`: a trained model goes out as ONNX and comes back bit for bit.
package io.neurostream.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.runtime.BrokerProbeTest;
import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.net.Network;
import io.neurostream.core.onnx.OnnxImport;
import io.neurostream.core.spec.Presets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsExportCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldExportATrainedSnapshotAsOnnxWithTheSameWeights() throws Exception {
        Path snapshot = dir.resolve("xor.snapshot");
        Path onnx = dir.resolve("xor.onnx");

        CommandRun train = CommandRun.of("train", "--model", "xor", "--data", "xor", "--max-samples", "40", "--save", snapshot.toString());
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(train.out().contains("snapshot of xor (step 10, "), train.out());
        CommandRun export = CommandRun.of("models", "export", "xor", "--snapshot", snapshot.toString(), "--format", "onnx", "-o", onnx.toString());

        assertEquals(0, export.exitCode(), export.err());
        assertTrue(export.out().startsWith("model xor (step 10, snapshot " + snapshot + ") written to " + onnx + " as ONNX (IR version 8, opset 17, "),
                export.out());
        Network trained = SnapshotCodec.decode(Files.readAllBytes(snapshot));
        Network imported = OnnxImport.read(Files.readAllBytes(onnx)).network();
        assertArrayEquals(trained.params().values().data().asFloat(), imported.params().values().data().asFloat());
        assertEquals(trained.spec().json(), imported.spec().json());
    }

    @Test
    void shouldStartTrainingFromTheWeightsOfAnOnnxModel() throws Exception {
        Path snapshot = dir.resolve("xor.snapshot");
        Path onnx = dir.resolve("xor.onnx");
        assertEquals(0, CommandRun.of("train", "--model", "xor", "--data", "xor", "--max-samples", "40", "--save", snapshot.toString()).exitCode());
        assertEquals(0, CommandRun.of("models", "export", "xor", "--snapshot", snapshot.toString(), "-o", onnx.toString()).exitCode());
        // a learning rate so small that no update moves a weight: what is saved is what was loaded
        Path frozen = dir.resolve("frozen.json");
        Files.writeString(frozen, Presets.load("xor").with(Map.of("optimizer", Map.of("type", "sgd", "learning_rate", 1e-30))).json());
        Path after = dir.resolve("after.snapshot");

        CommandRun train = CommandRun.of("train", "--model", frozen.toString(), "--data", "xor", "--max-samples", "8",
                "--init-from", onnx.toString(), "--save", after.toString());

        assertEquals(0, train.exitCode(), train.err());
        assertTrue(train.out().startsWith("initial weights from " + onnx + " (neurostream export of xor"), train.out());
        float[] exported = SnapshotCodec.decode(Files.readAllBytes(snapshot)).params().values().data().asFloat();
        float[] saved = SnapshotCodec.decode(Files.readAllBytes(after)).params().values().data().asFloat();
        float[] fresh = Network.create(Presets.load("xor")).params().values().data().asFloat();
        assertArrayEquals(exported, saved);
        assertFalse(java.util.Arrays.equals(fresh, saved));
    }

    @Test
    void shouldNameTheParameterThatDoesNotFitWhenInitialisingFromAnotherModel() throws Exception {
        Path snapshot = dir.resolve("xor.snapshot");
        Path onnx = dir.resolve("xor.onnx");
        assertEquals(0, CommandRun.of("train", "--model", "xor", "--data", "xor", "--max-samples", "8", "--save", snapshot.toString()).exitCode());
        assertEquals(0, CommandRun.of("models", "export", "xor", "--snapshot", snapshot.toString(), "-o", onnx.toString()).exitCode());

        CommandRun train = CommandRun.of("train", "--model", "circle", "--data", "circle", "--init-from", onnx.toString());

        assertEquals(2, train.exitCode()); // a file that does not fit the model is bad input
        assertEquals("neurostream train: " + onnx + ": model circle: parameter 0.W is [2, 16] but the ONNX model's tensor 0.W gives [2, 2]",
                train.errLine());
    }

    @Test
    void shouldRefuseAnotherModelsSnapshotAndAnUnknownFormat() throws Exception {
        Path snapshot = dir.resolve("xor.snapshot");
        assertEquals(0, CommandRun.of("train", "--model", "xor", "--data", "xor", "--max-samples", "8", "--save", snapshot.toString()).exitCode());

        CommandRun wrongName = CommandRun.of("models", "export", "mnist-mlp", "--snapshot", snapshot.toString(), "-o", dir.resolve("m.onnx").toString());
        CommandRun wrongFormat = CommandRun.of("models", "export", "xor", "--snapshot", snapshot.toString(), "--format", "tflite",
                "-o", dir.resolve("m.tflite").toString());

        assertEquals(2, wrongName.exitCode());
        assertEquals("neurostream models export: " + snapshot + " holds model xor, not mnist-mlp", wrongName.errLine());
        assertEquals(2, wrongFormat.exitCode());
        assertEquals("neurostream models export: --format: unknown format \"tflite\"; formats: onnx", wrongFormat.errLine());
    }

    @Test
    void shouldWantExactlyOneSourceSnapshotOrKafka() throws Exception {
        Path snapshot = dir.resolve("xor.snapshot");
        String onnx = dir.resolve("xor.onnx").toString();

        CommandRun neither = CommandRun.of("models", "export", "xor", "--format", "onnx", "-o", onnx);
        CommandRun both = CommandRun.of("models", "export", "xor", "--snapshot", snapshot.toString(), "--bootstrap-servers", "localhost:1", "-o", onnx);

        assertEquals(2, neither.exitCode());
        assertEquals("neurostream models export: where from? give --bootstrap-servers HOST:PORT (the newest published version) or --snapshot FILE",
                neither.errLine());
        assertEquals(2, both.exitCode());
        assertEquals("neurostream models export: give --snapshot FILE or Kafka settings (--bootstrap-servers, --config, --set), not both: "
                + "the model comes from one of them",
                both.errLine());
        assertFalse(Files.exists(dir.resolve("xor.onnx")));
    }

    @Test
    void shouldSayInOneLineAndExit1WhenNoBrokerAnswers() throws Exception {
        String address = "127.0.0.1:" + BrokerProbeTest.closedPort();

        CommandRun export = CommandRun.of("models", "export", "xor", "--bootstrap-servers", address, "-o", dir.resolve("xor.onnx").toString());

        assertEquals(1, export.exitCode());
        assertTrue(export.errLine().startsWith("neurostream models export: no Kafka broker answers at " + address + " ("), export.err());
        assertFalse(Files.exists(dir.resolve("xor.onnx")));
    }
}
