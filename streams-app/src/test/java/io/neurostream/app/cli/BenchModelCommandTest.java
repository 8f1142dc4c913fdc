// `neurostream bench model --compare`: the ND4J-layers baseline of a network that computes on the heap, and one-line errors.
package io.neurostream.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

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

    @Test
    void anUnknownBaselineIsAOneLineError() {
        CommandRun run = CommandRun.of("bench", "model", "--model", "xor", "--compare", "nd4j,mkl");

        assertEquals(2, run.exitCode());
        assertEquals("neurostream bench model: --compare mkl: the baselines are dl4j and nd4j", run.errLine());
        assertFalse(run.out().contains("samples/s"), "nothing is measured");
    }
}
