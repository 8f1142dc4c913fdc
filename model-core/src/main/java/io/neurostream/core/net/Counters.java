// A model's training counters, saved in its snapshot.
package io.neurostream.core.net;

/**
 * @param steps          optimizer updates applied
 * @param samplesTrained samples that went through a training step (applied or skipped)
 * @param skippedSteps   steps skipped because the loss or a gradient was not finite
 */
public record Counters(long steps, long samplesTrained, long skippedSteps) {
    public static final Counters ZERO = new Counters(0, 0, 0);
}
