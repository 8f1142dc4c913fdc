// The outage lines of `produce`: said after 5 quiet seconds with samples waiting, repeated every 15 s, and when acknowledgements resume.
package io.neurostream.app.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProduceOutageTest {
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong nanos = new AtomicLong();
    private final StringWriter err = new StringWriter();
    private final Outage outage = new Outage(new PrintWriter(err, true), "p: ", "h:1", Duration.ofMinutes(2), sent::get, acked::get, nanos::get);

    private void second(long sentNow, long ackedNow) {
        nanos.addAndGet(1_000_000_000L);
        sent.set(sentNow);
        acked.set(ackedNow);
        outage.check();
    }

    @Test
    void shouldSayWhenTheBrokerGoesQuietWhileSamplesWaitAndWhenItAnswersAgain() {
        second(100, 90);
        for (int s = 0; s < 4; s++) {
            second(200, 90);
        }
        assertEquals("", err.toString(), "4 quiet seconds: nothing yet");
        second(250, 90);
        for (int s = 0; s < 15; s++) {
            second(300, 90);
        }
        second(300, 300);

        assertEquals(List.of(
                "p: no acknowledgement from the broker at h:1 for 5 s, 160 samples waiting; retrying for up to 2 min (--retry-for)",
                "p: no acknowledgement from the broker at h:1 for 20 s, 210 samples waiting; retrying for up to 2 min (--retry-for)",
                "p: the broker at h:1 answers again after 21 s without acknowledgements; continuing"), err.toString().lines().toList());
    }

    /** A broker back within a second takes every waiting sample before the next check: closing says it answered. */
    @Test
    void shouldSayThatTheBrokerAnsweredWhenTheLastSamplesAreAcknowledgedBetweenTwoChecks() {
        second(100, 100);
        for (int s = 0; s < 6; s++) {
            second(200, 100);
        }
        nanos.addAndGet(500_000_000L);
        acked.set(200);
        outage.close();
        outage.close();

        assertEquals(List.of(
                "p: no acknowledgement from the broker at h:1 for 5 s, 100 samples waiting; retrying for up to 2 min (--retry-for)",
                "p: the broker at h:1 answers again after 6 s without acknowledgements; continuing"), err.toString().lines().toList());
    }

    @Test
    void shouldSayNothingOnCloseWhenTheBrokerWasNeverQuietOrIsStillQuiet() {
        second(100, 50);
        outage.close();
        assertEquals("", err.toString());

        Outage stillQuiet = new Outage(new PrintWriter(err, true), "p: ", "h:1", Duration.ofMinutes(2), sent::get, acked::get, nanos::get);
        for (int s = 0; s < 6; s++) {
            second(100, 50);
            stillQuiet.check();
        }
        err.getBuffer().setLength(0);
        stillQuiet.close();
        assertEquals("", err.toString(), "no acknowledgement came: nothing to say on close");
    }

    @Test
    void shouldSayNothingWhileNothingWaits() {
        for (int s = 0; s < 30; s++) {
            second(0, 0);
        }
        for (int s = 0; s < 30; s++) {
            second(s * 10, s * 10);
        }
        assertEquals("", err.toString());
    }
}
