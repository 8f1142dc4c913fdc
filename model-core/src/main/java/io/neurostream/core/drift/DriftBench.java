// Nanoseconds per update of the drift detectors on a Bernoulli error stream (ADWIN) and a Gaussian loss stream
// (Page-Hinkley): median of timed rounds after a warm-up. Run: java -cp model-core/target/classes io.neurostream.core.drift.DriftBench
package io.neurostream.core.drift;

import io.neurostream.core.rng.Rng;
import java.util.Arrays;

/** A figure for the README, not a test: no assertion on time. */
public final class DriftBench {
    private static final int VALUES = 1 << 20;

    private DriftBench() {
    }

    /** Median nanoseconds per update over {@code rounds} passes of 2^20 precomputed values through one detector. */
    public static double nanosPerUpdate(DriftDetector detector, double[] values, int rounds) {
        double[] perUpdate = new double[rounds];
        long detections = 0;
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            for (double x : values) {
                if (detector.update(x)) {
                    detections++;
                }
            }
            perUpdate[r] = (System.nanoTime() - start) / (double) values.length;
        }
        Arrays.sort(perUpdate);
        if (detections < 0) {
            throw new AssertionError("unreachable: keeps the loop's result alive");
        }
        return perUpdate[rounds / 2];
    }

    public static void main(String[] args) {
        Rng rng = new Rng(42);
        double[] errors = new double[VALUES];
        double[] losses = new double[VALUES];
        for (int i = 0; i < VALUES; i++) {
            errors[i] = rng.nextDouble() < 0.2 ? 1.0 : 0.0;
            losses[i] = 1.0 + 0.1 * rng.nextGaussian();
        }
        nanosPerUpdate(new Adwin(), errors, 5);
        nanosPerUpdate(new PageHinkley(), losses, 5);
        Adwin adwin = new Adwin();
        double adwinNs = nanosPerUpdate(adwin, errors, 9);
        double adwinEvery = nanosPerUpdate(new Adwin(Adwin.DEFAULT_DELTA, 1, Adwin.DEFAULT_MAX_BUCKETS, Adwin.DEFAULT_MIN_WINDOW_LENGTH,
                Adwin.DEFAULT_GRACE_PERIOD), errors, 9);
        double phNs = nanosPerUpdate(new PageHinkley(), losses, 9);
        System.out.printf("adwin (clock 32)      %6.1f ns/update  window %d values, state %d bytes%n", adwinNs, adwin.width(), adwin.toBytes().length);
        System.out.printf("adwin (clock 1)       %6.1f ns/update%n", adwinEvery);
        System.out.printf("page_hinkley          %6.1f ns/update%n", phNs);
    }
}
