// What a forward pass is for: training (dropout on, batch statistics) or prediction.
package io.neurostream.core.layers;

import io.neurostream.core.rng.Rng;

/**
 * @param training true in a training step: dropout draws masks, BatchNorm uses batch statistics
 *                 and updates its running averages; false when predicting
 * @param rng      the model's generator (dropout masks); part of the model's saved state
 */
public record Pass(boolean training, Rng rng) {}
