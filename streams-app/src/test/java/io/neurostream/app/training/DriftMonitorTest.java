// The drift monitor: what it feeds its detector, and its state across a save and restore.
package io.neurostream.app.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.drift.DriftSpec;
import io.neurostream.core.drift.DriftStatistic;
import io.neurostream.core.drift.PageHinkley;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.ModelSpec;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DriftMonitorTest {
    private static final String PAGE_HINKLEY = "{\"detector\": \"page_hinkley\", \"threshold\": 5}";
    private static final String DEFAULT = "";

    /** A small classifier's network with this drift section ("" for none). */
    static Network net(String drift) {
        return Network.create(ModelSpec.parse("""
                {"name": "m", "input": {"shape": [2]},
                 "layers": [{"type": "dense", "units": 4, "activation": "tanh"}, {"type": "dense", "units": 2, "activation": "softmax"}],
                 "loss": "cross_entropy", "optimizer": {"type": "adam", "learning_rate": 0.01}, "batch_size": 4%s}
                """.formatted(drift.isEmpty() ? "" : ", \"drift\": " + drift)));
    }

    static DriftMonitor fresh(String drift) {
        return DriftMonitor.fresh(net(drift));
    }

    /** 1,000 samples right 90% of the time, then 1,000 right 50%: the error jumps from 0.1 to 0.5. */
    private static int feedJump(DriftMonitor monitor, SplittableRandom random, int from, int to) {
        int detectedAt = -1;
        for (int i = from; i < to; i++) {
            boolean correct = random.nextDouble() >= (i < 1000 ? 0.1 : 0.5);
            DriftStatistic d = monitor.feed(correct ? 0.1 : 2.3, correct);
            if (d != null && detectedAt < 0) {
                detectedAt = i;
            }
        }
        return detectedAt;
    }

    @Test
    void adwinReadsTheZeroOneErrorAndFiresAfterTheJumpOnly() {
        DriftMonitor monitor = fresh(DEFAULT);
        int at = feedJump(monitor, new SplittableRandom(3), 0, 2000);
        assertTrue(at >= 1000 && at < 1300, "detected at " + at);
        assertTrue(monitor.detector().last().meanBefore() < 0.2 && monitor.detector().last().meanAfter() > 0.35,
                "means " + monitor.detector().last());
    }

    @Test
    void aFallingErrorIsTheModelLearningNotDrift() {
        DriftMonitor monitor = fresh(DEFAULT);
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < 2000; i++) {
            boolean correct = random.nextDouble() >= (i < 1000 ? 0.5 : 0.05);
            assertNull(monitor.feed(correct ? 0.1 : 2.3, correct), "sample " + i);
        }
        assertTrue(monitor.detector().detections() >= 1, "ADWIN saw the change");
        assertTrue(monitor.detector().last().meanAfter() < monitor.detector().last().meanBefore());
    }

    @Test
    void pageHinkleyReadsTheLossAndSkipsANonFiniteOne() {
        DriftMonitor monitor = fresh(PAGE_HINKLEY);
        monitor.feed(Double.NaN, false);
        monitor.feed(Double.POSITIVE_INFINITY, false);
        assertEquals(0, monitor.detector().updates(), "non-finite losses are not fed");
        for (int i = 0; i < 100; i++) {
            assertNull(monitor.feed(1.0, i % 2 == 0), "a constant loss never fires");
        }
        assertEquals(100, monitor.detector().updates());
        DriftStatistic d = null;
        for (int i = 0; i < 100 && d == null; i++) {
            d = monitor.feed(2.0, true);
        }
        assertNotNull(d, "a loss that doubles fires");
        assertEquals(PageHinkley.NAME, d.detector());
    }

    @Test
    void offFeedsNothingAndSavesNoDetector() {
        DriftMonitor monitor = fresh("\"off\"");
        assertNull(monitor.feed(1.0, false));
        assertNull(monitor.detector());
        assertNull(DriftMonitor.restore(net("\"off\""), monitor.encode()).detector());
    }

    @Test
    void aRestoredMonitorContinuesExactlyWhereTheSavedOneStopped() {
        DriftMonitor uninterrupted = fresh(DEFAULT);
        int expected = feedJump(uninterrupted, new SplittableRandom(7), 0, 2000);

        SplittableRandom random = new SplittableRandom(7);
        DriftMonitor first = fresh(DEFAULT);
        assertEquals(-1, feedJump(first, random, 0, 1010));
        DriftMonitor restored = DriftMonitor.restore(net(DEFAULT), first.encode());
        int at = feedJump(restored, random, 1010, 2000);

        assertTrue(expected > 1010, "detected after the save: " + expected);
        assertEquals(expected, at, "the same detection");
        assertArrayEquals(uninterrupted.encode(), restored.encode(), "the same state bytes");
    }

    @Test
    void aSavedDetectorTheSpecNoLongerConfiguresStartsAfresh() {
        DriftMonitor monitor = fresh(DEFAULT);
        feedJump(monitor, new SplittableRandom(1), 0, 500);
        String otherDelta = "{\"detector\": \"adwin\", \"delta\": 0.01}";
        assertEquals(0, DriftMonitor.restore(net(otherDelta), monitor.encode()).detector().updates(), "another delta: fresh");
        assertEquals(0, DriftMonitor.restore(net(PAGE_HINKLEY), monitor.encode()).detector().updates(), "another detector: fresh");
        assertEquals(500, DriftMonitor.restore(net(DEFAULT), monitor.encode()).detector().updates(), "the same: restored");
        assertEquals(0, DriftMonitor.restore(net(DEFAULT), null).detector().updates(), "none saved: fresh");
    }

    @Test
    void stateThatDoesNotReadIsOneLineError() {
        byte[] saved = fresh(DEFAULT).encode();
        IllegalStateException truncated = assertThrows(IllegalStateException.class,
                () -> DriftMonitor.restore(net(DEFAULT), Arrays.copyOf(saved, saved.length - 3)));
        assertTrue(truncated.getMessage().startsWith("drift state: truncated"), truncated.getMessage());
        byte[] longer = Arrays.copyOf(saved, saved.length + 2);
        assertEquals("drift state: 2 bytes left over", assertThrows(IllegalStateException.class,
                () -> DriftMonitor.restore(net(DEFAULT), longer)).getMessage());
        saved[0] = 9;
        assertEquals("drift state: format 9, expected 1", assertThrows(IllegalStateException.class,
                () -> DriftMonitor.restore(net(DEFAULT), saved)).getMessage());
    }
}
