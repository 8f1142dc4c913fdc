// `neurostream bench pipeline` pass options: one-line errors with exit code 2 before any broker starts.
package io.neurostream.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BenchPipelineCommandTest {

    @Test
    void badPassCountsAreOneLineErrors() {
        CommandRun none = CommandRun.of("bench", "pipeline", "--passes", "0");
        CommandRun negative = CommandRun.of("bench", "pipeline", "--warmup-passes", "-1");

        assertEquals(2, none.exitCode());
        assertEquals("neurostream bench pipeline: --passes must be >= 1, got 0", none.errLine());
        assertEquals(2, negative.exitCode());
        assertEquals("neurostream bench pipeline: --warmup-passes must be >= 0, got -1", negative.errLine());
    }
}
