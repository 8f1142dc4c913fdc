// What a drift detector reports when it fires: the fields a DriftEvent record carries.
package io.neurostream.core.drift;

/**
 * One detection.
 *
 * @param detector   the detector's name, {@link Adwin#NAME} or {@link PageHinkley#NAME}
 * @param updates    how many values the detector had seen when it fired, this one included (1-based position in its input)
 * @param statistic  the gap that crossed its threshold: ADWIN's |mean(W0) - mean(W1)| at the estimated change point,
 *                   Page-Hinkley's cumulative deviation from its extremum
 * @param threshold  what the statistic had to exceed: ADWIN's epsilon_cut at that cut, Page-Hinkley's lambda
 * @param meanBefore mean of the input before the estimated change point, over the detector's memory
 * @param meanAfter  mean of the input after it, up to this value
 *                   <p>The change point: for ADWIN, of the cuts of its window (before it shrinks) the one where the gap
 *                   exceeds epsilon_cut by the most; for Page-Hinkley, the last step where the cumulative sum reached
 *                   its extremum.
 */
public record DriftStatistic(String detector, long updates, double statistic, double threshold, double meanBefore, double meanAfter) {
}
