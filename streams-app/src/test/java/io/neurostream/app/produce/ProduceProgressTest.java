// The progress line (count, rate, ETA; redrawn on a terminal, plain lines otherwise) and the pacer's schedule.
package io.neurostream.app.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProduceProgressTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldShowCountPercentRateAndEta() {
        assertEquals("1,200/60,000 samples (2%), 400 samples/s, ETA 2:27", Progress.line(1_200, 60_000, 3.0));
        assertEquals("0/10 samples (0%), 0 samples/s, ETA --:--", Progress.line(0, 10, 0));
        assertEquals("1:01:01", Progress.duration(3_661));
        assertEquals("0:59", Progress.duration(59));
    }

    @Test
    void shouldWritePlainLinesEveryFewSecondsWhenNotATerminal() {
        long[] now = {0};
        StringWriter err = new StringWriter();
        Progress progress = new Progress(new PrintWriter(err), "p: ", false, 100, () -> now[0]);
        progress.start();
        now[0] = SECOND;
        progress.update(10);
        now[0] = Progress.PLAIN_INTERVAL_SECONDS * SECOND;
        progress.update(50);
        now[0] += SECOND;
        progress.update(60);
        progress.finish(60);

        assertEquals("p: 50/100 samples (50%), 10 samples/s, ETA 0:05" + System.lineSeparator(), err.toString());
    }

    @Test
    void shouldRedrawOneLineWithCarriageReturnsOnATerminal() {
        long[] now = {0};
        StringWriter err = new StringWriter();
        Progress progress = new Progress(new PrintWriter(err), "", true, 1_000, () -> now[0]);
        progress.start();
        now[0] = SECOND;
        progress.update(100);
        now[0] = 2 * SECOND;
        progress.update(1_000);
        progress.finish(1_000);

        String text = err.toString();
        assertTrue(text.startsWith("\r100/1,000 samples (10%), 100 samples/s, ETA 0:09\r1,000/1,000 samples (100%), 500 samples/s, ETA 0:00"), text);
        assertTrue(text.endsWith(System.lineSeparator()), "the finished line ends with a newline");
    }

    @Test
    void shouldNotRedrawTheFinalLineWhenItShowsTheFinalCountAlready() {
        long[] now = {0};
        StringWriter err = new StringWriter();
        Progress progress = new Progress(new PrintWriter(err), "", true, 1_000, () -> now[0]);
        progress.start();
        now[0] = SECOND;
        progress.update(500);
        now[0] = 2 * SECOND;
        progress.update(1_000);
        now[0] = 3 * SECOND;
        progress.finish(1_000);

        assertEquals("\r500/1,000 samples (50%), 500 samples/s, ETA 0:01\r1,000/1,000 samples (100%), 500 samples/s, ETA 0:00"
                + System.lineSeparator(), err.toString(), "the final line once (with --rate the last update shows the final count)");
    }

    @Test
    void shouldScheduleSampleKAtKOverRateSecondsAfterTheFirst() throws InterruptedException {
        List<Long> sleeps = new ArrayList<>();
        long[] now = {5 * SECOND};
        Pacer pacer = new Pacer(4, new Pacer.Clock() {
            @Override
            public long nanoTime() {
                return now[0];
            }

            @Override
            public void sleepNanos(long nanos) {
                sleeps.add(nanos);
                now[0] += nanos;
            }
        });

        pacer.awaitTurn(0);
        pacer.awaitTurn(1);
        now[0] += 4 * SECOND / 10; // a slow send: sample 2 is already late, sample 3 waits less
        pacer.awaitTurn(2);
        pacer.awaitTurn(3);

        assertEquals(List.of(SECOND / 4, SECOND / 10), sleeps);
    }
}
