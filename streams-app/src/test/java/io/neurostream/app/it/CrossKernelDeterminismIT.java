// What "bit-identical" covers when a task moves to a machine with other kernels: a restore and replay in a child JVM under each.
package io.neurostream.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.NativeKernels;
import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model trains for {@value #SNAPSHOT_AT} batches, is snapshotted, and trains on to
 * {@value #STEPS} in this JVM (the uninterrupted run). A child JVM, started with other kernels in
 * its environment, decodes the snapshot and replays batches {@value #SNAPSHOT_AT}..{@value #STEPS}
 * (what a task does after a move). Its weights are compared with the uninterrupted run's:
 * <ul>
 * <li>under the same kernels, every model is bit-identical (the guarantee);
 * <li>a network that computes on the heap (mnist-mlp: dense float32, batch 32) is bit-identical
 *     under every kernel: its arithmetic is Java's;
 * <li>networks that compute with ND4J (lenet5, char-lstm, a small LSTM on SGD) may differ: the count of differing
 *     weights under each kernel is printed, the measurement behind README "Determinism".
 * </ul>
 */
@Tag("integration")
class CrossKernelDeterminismIT {
    private static final int SNAPSHOT_AT = 4;
    private static final int STEPS = 12;
    /**
     * Presets (trained with Adam), and a small LSTM trained with momentum SGD, whose update is
     * OpenBLAS's axpy (the matrix products of the onednn build are oneDNN's).
     */
    private static final List<String> MODELS = List.of("mnist-mlp", "lenet5", "char-lstm", "small-lstm");
    private static final String SMALL_LSTM = """
            {"name": "small-lstm", "input": {"shape": [30], "vocabulary": 10}, "seed": 1,
             "layers": [{"type": "one_hot"}, {"type": "lstm", "units": 16}, {"type": "dense", "units": 2, "activation": "softmax"}],
             "loss": "cross_entropy", "optimizer": {"type": "sgd", "learning_rate": 0.1, "momentum": 0.9}}
            """;
    private static final Path LOGS = Path.of("target", "it-logs", "cross-kernel");

    /**
     * Changes to this JVM's environment for the child (an empty value removes the variable): none,
     * OpenBLAS's SSE3 kernels, OpenBLAS left to choose (with its default cache sizes), and oneDNN
     * capped at AVX2.
     */
    private static final Map<String, Map<String, String>> KERNELS = new LinkedHashMap<>();

    static {
        KERNELS.put("same", Map.of());
        KERNELS.put("OPENBLAS_CORETYPE=Prescott", Map.of("OPENBLAS_CORETYPE", "Prescott"));
        KERNELS.put("OPENBLAS_CORETYPE,OPENBLAS_L2_SIZE unset", Map.of("OPENBLAS_CORETYPE", "", "OPENBLAS_L2_SIZE", ""));
        KERNELS.put("DNNL_MAX_CPU_ISA=AVX2", Map.of("DNNL_MAX_CPU_ISA", "AVX2"));
    }

    @Test
    void aReplayIsBitIdenticalUnderTheSameKernelsAndOnTheHeapUnderAny(@TempDir Path dir) throws Exception {
        Files.createDirectories(LOGS);
        System.out.println("parent JVM kernels: " + NativeKernels.current().describe());
        List<String> failures = new ArrayList<>();
        for (String model : MODELS) {
            Network net = Network.create(model.equals("small-lstm") ? ModelSpec.parse(SMALL_LSTM) : Presets.load(model));
            KernelReplay.train(net, 0, SNAPSHOT_AT);
            Path snapshot = dir.resolve(model + "-" + SNAPSHOT_AT + ".nsnp");
            Files.write(snapshot, SnapshotCodec.encode(net));
            KernelReplay.train(net, SNAPSHOT_AT, STEPS);
            float[] uninterrupted = values(net);
            for (Map.Entry<String, Map<String, String>> kernels : KERNELS.entrySet()) {
                Path out = dir.resolve(model + "-" + kernels.getKey().replaceAll("\\W", "_") + ".nsnp");
                replayInChild(snapshot, out, kernels.getValue(), LOGS.resolve(model + "-" + kernels.getKey().replaceAll("\\W", "_") + ".log"));
                Network replayed = SnapshotCodec.decode(Files.readAllBytes(out));
                assertEquals(net.counters(), replayed.counters(), model + " under " + kernels.getKey());
                int differing = differing(uninterrupted, values(replayed));
                System.out.printf("%s (%s): replay under %s differs in %,d of %,d weights%n", model,
                        net.computesOnHeap() ? "heap" : "ND4J", kernels.getKey(), differing, uninterrupted.length);
                if (differing > 0 && (kernels.getValue().isEmpty() || net.computesOnHeap())) {
                    failures.add(model + " under " + kernels.getKey() + ": " + differing + " weights differ");
                }
            }
        }
        assertTrue(failures.isEmpty(), "not bit-identical where it must be: " + failures);
    }

    /** Runs {@link KernelReplay} in a new JVM with this one's environment changed by {@code env}. */
    private static void replayInChild(Path snapshot, Path out, Map<String, String> env, Path log) throws IOException, InterruptedException {
        List<String> command = AppProcess.java(KernelReplay.class.getName(),
                snapshot.toString(), Integer.toString(SNAPSHOT_AT), Integer.toString(STEPS), out.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        env.forEach((name, value) -> {
            if (value.isEmpty()) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        Process child = builder.start();
        boolean exited = child.waitFor(3, TimeUnit.MINUTES);
        if (!exited) {
            child.destroyForcibly();
        }
        assertTrue(exited && child.exitValue() == 0, "replay of " + snapshot.getFileName() + " with " + env + " failed; see " + log);
    }

    private static float[] values(Network net) {
        FloatBuffer values = net.params().values().data().asNioFloat();
        float[] copy = new float[Math.toIntExact(net.params().values().length())];
        values.get(copy);
        return copy;
    }

    private static int differing(float[] a, float[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            n += Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i]) ? 1 : 0;
        }
        return n;
    }
}
