// The demo's progress lines: elapsed time, counters, training rate, the last mini-batch's loss and the prequential accuracy.
package io.neurostream.app.cli;

import io.neurostream.app.metrics.ModelProgress;

/**
 * One line per call of {@link #next}, e.g.
 * {@code [    5s] produced 60,000  trained 13,664 (2,700/s)  last-batch loss 0.2833  accuracy 92.78% fading, 93.40% last 1000  predicted 0  dead letters 0}.
 * The loss is the mean over the last mini-batch (noisy at small batches); the accuracies are
 * prequential (each sample predicted before it is learnt from). The last line is left out when its
 * counters equal the previous line's: a periodic line that already showed the final counts is not
 * printed twice (while running, a line with unchanged counters still shows that the demo waits).
 */
final class ProgressLines {
    private static final double NANOS_PER_SECOND = 1e9;

    private final long startNanos;
    private final String windowSize;
    private long lastNanos;
    private long lastProduced = -1;
    private long lastTrained;
    private long lastPredicted = -1;
    private long lastDeadLettered = -1;

    /** @param windowSize the prequential window's size as configured, printed as "last N" */
    ProgressLines(long startNanos, String windowSize) {
        this.startNanos = startNanos;
        this.windowSize = windowSize;
        this.lastNanos = startNanos;
    }

    /** The line for the counters at {@code nowNanos}; null for a {@code last} line whose counters are those of the previous line. */
    String next(long nowNanos, long produced, ModelProgress p, boolean last) {
        if (last && produced == lastProduced && p.trained() == lastTrained && p.predicted() == lastPredicted
                && p.deadLettered() == lastDeadLettered) {
            return null;
        }
        double rate = (p.trained() - lastTrained) / ((nowNanos - lastNanos) / NANOS_PER_SECOND);
        lastNanos = nowNanos;
        lastProduced = produced;
        lastTrained = p.trained();
        lastPredicted = p.predicted();
        lastDeadLettered = p.deadLettered();
        return String.format("[%5.0fs] produced %,d  trained %,d (%,.0f/s)  last-batch loss %.4f  accuracy %s fading, %s last %s"
                        + "  predicted %,d  dead letters %,d",
                (nowNanos - startNanos) / NANOS_PER_SECOND, produced, p.trained(), rate, p.trainingLoss(),
                DemoCommand.percent(p.fadingAccuracy()), DemoCommand.percent(p.windowAccuracy()), windowSize, p.predicted(),
                p.deadLettered());
    }
}
