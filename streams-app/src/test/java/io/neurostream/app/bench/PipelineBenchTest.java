// `bench pipeline`: which samples a timed pass counts.
package io.neurostream.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PipelineBenchTest {

    /** Samples finish a batch at a time, so a pass counts the batches it completes, leftovers included. */
    @Test
    void aPassCountsTheBatchesItCompletes() {
        assertEquals(60_000, PipelineBench.finishedAfter(1, 60_000, 32));
        assertEquals(96, PipelineBench.finishedAfter(1, 100, 32)); // 4 samples wait for the next pass
        assertEquals(192, PipelineBench.finishedAfter(2, 100, 32)); // the second pass counts 96 of the 100 it sends
        assertEquals(300, PipelineBench.finishedAfter(3, 100, 1));
        assertEquals(0, PipelineBench.finishedAfter(0, 100, 32));
    }

    /** A stage reports the median of its timed passes with their range, so a difference can be judged against the noise. */
    @Test
    void passesGiveTheirMedianAndRange() {
        PipelineBench.Passes passes = PipelineBench.Passes.of(21_000, 18_000, 24_000);
        assertEquals(new PipelineBench.Passes(21_000, 18_000, 24_000), passes);
        assertEquals(6_000.0 / 21_000, passes.spread(), 1e-12);

        assertEquals(new PipelineBench.Passes(5, 5, 5), PipelineBench.Passes.of(5));
        assertEquals(0, PipelineBench.Passes.of(5).spread());
        assertEquals(new PipelineBench.Passes(3, 1, 4), PipelineBench.Passes.of(4, 1, 3, 2)); // an even count: the upper middle one
    }
}
