// `neurostream bench model --compare`: the ND4J-layers baseline of a network that computes on the heap, and one-line errors.
package io.neurostream.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.neurostream.core.tensor.Gemm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchModelCommandTest {
    private static final String[] SHORT = {"--rounds", "1", "--round-seconds", "0.05", "--warmup-seconds", "0.05"};

    private static CommandRun bench(String... args) {
        String[] all = new String[args.length + SHORT.length + 2];
        all[0] = "bench";
        all[1] = "model";
        System.arraycopy(args, 0, all, 2, args.length);
        System.arraycopy(SHORT, 0, all, 2 + args.length, SHORT.length);
        return CommandRun.of(all);
    }

    @Test
    void comparesAHeapNetworkWithItsNd4jLayers() {
        CommandRun small = bench("--model", "xor", "--batch", "4,33", "--compare", "nd4j", "--json");

        assertEquals(0, small.exitCode(), small.err());
        String[] lines = small.out().strip().split("\n");
        assertTrue(lines[0].matches("xor batch 4: [0-9,]+ samples/s on the heap \\(rounds [0-9,]+\\); nd4j layers [0-9,]+ samples/s; ratio [0-9.]+x"),
                lines[0]);
        assertTrue(lines[1].matches("xor batch 33: [0-9,]+ samples/s \\(rounds [0-9,]+\\)"), "above 32 the ND4J layers compute, no baseline: " + lines[1]);
        String json = lines[lines.length - 1];
        assertTrue(json.contains("\"on_heap\":true") && json.contains("\"ratio_vs_nd4j\":"), json);
        assertTrue(json.contains("\"on_heap\":false"), json);
    }

    /** A network with an LSTM says which of its kernels runs (the tests' JVM has the Vector API: the pom's test.jvm.args). */
    @Test
    void anLstmNamesItsKernels(@TempDir Path dir) throws IOException {
        Path spec = dir.resolve("tiny-lstm.json");
        Files.writeString(spec, """
                {"name": "tiny-lstm", "input": {"shape": [6], "vocabulary": 5}, "seed": 1,
                 "layers": [{"type": "one_hot"}, {"type": "lstm", "units": 8}, {"type": "dense", "units": 2, "activation": "softmax"}],
                 "loss": "cross_entropy", "optimizer": {"type": "adam", "learning_rate": 0.01}}
                """);
        CommandRun run = bench("--model", spec.toString(), "--batch", "4");

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().strip().startsWith("tiny-lstm batch 4: "), run.out());
        assertTrue(run.out().strip().endsWith("; LSTM kernels: " + Gemm.variant()), run.out());
        assertTrue(Gemm.variant().startsWith(Gemm.VECTOR ? "Vector API (jdk.incubator.vector, " : "OpenBLAS and loops: "), Gemm.variant());
        assertFalse(bench("--model", "xor", "--batch", "4").out().contains("LSTM kernels"), "no LSTM, no kernels named");
    }

    @Test
    void anUnknownBaselineIsAOneLineError() {
        CommandRun run = CommandRun.of("bench", "model", "--model", "xor", "--compare", "nd4j,mkl");

        assertEquals(2, run.exitCode());
        assertEquals("neurostream bench model: --compare mkl: the baselines are dl4j, nd4j and pytorch", run.errLine());
        assertFalse(run.out().contains("samples/s"), "nothing is measured");
    }

    @Test
    void aMissingPythonIsAOneLineErrorSayingHowToInstall() {
        CommandRun run = bench("--model", "xor", "--compare", "pytorch", "--python", "/nonexistent/python3");

        assertEquals(2, run.exitCode());
        assertTrue(run.errLine().startsWith("neurostream bench model: --compare pytorch: cannot run /nonexistent/python3 ("), run.err());
        assertTrue(run.errLine().endsWith("install Python 3 and then install it with: pip install torch"), run.err());
        assertFalse(run.out().contains("samples/s"), "nothing is measured");
    }

    @Test
    void aPythonWithoutTorchIsAOneLineErrorSayingHowToInstall(@TempDir Path dir) throws IOException {
        assumeTrue(onPath("python3"), "python3 is not installed");
        Path noSite = dir.resolve("python-without-site-packages");
        Files.writeString(noSite, "#!/bin/sh\nexec python3 -S \"$@\"\n");
        assertTrue(noSite.toFile().setExecutable(true));

        CommandRun run = bench("--model", "xor", "--compare", "pytorch", "--python", noSite.toString());

        assertEquals(2, run.exitCode());
        assertEquals("neurostream bench model: --compare pytorch: python3 has no torch module; install it with: pip install torch",
                run.errLine());
    }

    @Test
    void aLayerThePytorchScriptDoesNotTranslateIsAOneLineError(@TempDir Path dir) throws IOException {
        assumeTrue(onPath("python3"), "python3 is not installed");
        Path fakeTorch = dir.resolve("torch");
        Files.createDirectories(fakeTorch.resolve("nn"));
        Files.writeString(fakeTorch.resolve("__init__.py"), "__version__ = 'fake'\ndef set_num_threads(n): pass\ndef manual_seed(s): pass\n");
        Files.writeString(fakeTorch.resolve("nn").resolve("__init__.py"), "class Module: pass\n");
        Files.writeString(fakeTorch.resolve("nn").resolve("functional.py"), "");
        Path python = dir.resolve("python-with-fake-torch");
        Files.writeString(python, "#!/bin/sh\nPYTHONPATH=" + dir + " exec python3 -S \"$@\"\n");
        assertTrue(python.toFile().setExecutable(true));
        Path spec = dir.resolve("bn.json");
        Files.writeString(spec, "{\"name\": \"bn\", \"input\": {\"shape\": [4]}, \"layers\": [{\"type\": \"batch_norm\"},"
                + " {\"type\": \"dense\", \"units\": 2, \"activation\": \"softmax\"}], \"loss\": \"cross_entropy\","
                + " \"optimizer\": {\"type\": \"sgd\"}}");

        CommandRun run = bench("--model", spec.toString(), "--compare", "pytorch", "--python", python.toString());

        assertEquals(2, run.exitCode(), run.err());
        assertEquals("neurostream bench model: --compare pytorch: layer 0 of type batch_norm is not translated", run.errLine());
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
