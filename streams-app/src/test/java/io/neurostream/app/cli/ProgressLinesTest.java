// The demo's progress lines: they name the loss as the last mini-batch's, and the last line is not a repeat.
package io.neurostream.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.neurostream.app.metrics.ModelProgress;
import org.junit.jupiter.api.Test;

class ProgressLinesTest {
    private static final long SECOND = 1_000_000_000L;

    private static ModelProgress progress(long trained, long predicted) {
        return new ModelProgress(trained, predicted, 0, trained / 32, 0.25, 0.9, 0.95);
    }

    @Test
    void shouldSayTheLossIsTheLastMiniBatchs() {
        ProgressLines lines = new ProgressLines(0, "1000");

        assertEquals("[    5s] produced 2,000  trained 1,600 (320/s)  last-batch loss 0.2500  accuracy 90.00% fading, 95.00% last 1000"
                + "  predicted 0  dead letters 0", lines.next(5 * SECOND, 2_000, progress(1_600, 0), false));
    }

    @Test
    void shouldNotRepeatTheFinalCountsOnTheLastLine() {
        ProgressLines lines = new ProgressLines(0, "1000");
        assertNotNull(lines.next(5 * SECOND, 2_300, progress(1_984, 300), false), "a periodic line that happens to show the final counts");

        assertNull(lines.next(6 * SECOND, 2_300, progress(1_984, 300), true), "the last line would repeat it");
    }

    @Test
    void shouldPrintTheLastLineWhenTheCountsMoved() {
        ProgressLines lines = new ProgressLines(0, "1000");
        lines.next(5 * SECOND, 2_300, progress(1_920, 0), false);

        assertNotNull(lines.next(6 * SECOND, 2_300, progress(1_984, 300), true));
    }

    @Test
    void shouldKeepPrintingUnchangedCountsWhileRunning() {
        ProgressLines lines = new ProgressLines(0, "1000");
        lines.next(5 * SECOND, 0, progress(0, 0), false);

        assertEquals("[   10s] produced 0  trained 0 (0/s)  last-batch loss 0.2500  accuracy 90.00% fading, 95.00% last 1000"
                + "  predicted 0  dead letters 0", lines.next(10 * SECOND, 0, progress(0, 0), false), "shows that the demo is waiting");
    }
}
