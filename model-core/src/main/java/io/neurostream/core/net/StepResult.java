// What one training step did: its mean batch loss, and whether the update was applied.
package io.neurostream.core.net;

/**
 * @param loss    mean loss of the batch before the update (may be NaN or infinite)
 * @param applied false when a non-finite loss or gradient made the step skip the update
 */
public record StepResult(double loss, boolean applied) {}
