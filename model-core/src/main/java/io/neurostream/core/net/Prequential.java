// The outcome of a test-then-train step: what the model predicted for the batch, then the update it made.
package io.neurostream.core.net;

/**
 * @param evaluation prediction-mode outputs and losses of the batch, before the update
 * @param step       the optimizer step on the same batch
 */
public record Prequential(Evaluation evaluation, StepResult step) {}
