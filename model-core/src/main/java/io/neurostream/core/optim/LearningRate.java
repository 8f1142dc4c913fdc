// A learning rate with optional inverse-time decay: η_t = η / (1 + d (t - 1)) for the t-th update.
package io.neurostream.core.optim;

/**
 * Inverse-time decay suits a stream, which has no last epoch to schedule towards: the rate
 * halves after 1/d updates and keeps shrinking slowly. d = 0 keeps it constant.
 */
public record LearningRate(double initial, double decay) {

    public LearningRate {
        if (!(initial > 0) || !Double.isFinite(initial)) {
            throw new IllegalArgumentException("learning rate must be finite and > 0, got " + initial);
        }
        if (!(decay >= 0) || !Double.isFinite(decay)) {
            throw new IllegalArgumentException("learning rate decay must be finite and >= 0, got " + decay);
        }
    }

    /** The rate of update number {@code step} (1-based). */
    public double at(long step) {
        return decay == 0.0 ? initial : initial / (1.0 + decay * (step - 1));
    }
}
