// A learning rate with optional inverse-time decay, η_t = η / (1 + d (t - 1)), or a cosine anneal to a floor over N updates.
package io.neurostream.core.optim;

/**
 * Inverse-time decay suits an open-ended stream: the rate halves after 1/d updates and keeps
 * shrinking slowly. A cosine anneal suits a stream of known length (an epoch of a dataset): the
 * rate falls from η to the floor along half a cosine over {@code annealSteps} updates, then stays
 * at the floor, η_t = η_min + (η − η_min) (1 + cos(π min(t − 1, N) / N)) / 2. Neither: constant.
 */
public record LearningRate(double initial, double decay, long annealSteps, double floor) {

    public LearningRate(double initial, double decay) {
        this(initial, decay, 0, initial);
    }

    public LearningRate {
        if (!(initial > 0) || !Double.isFinite(initial)) {
            throw new IllegalArgumentException("learning rate must be finite and > 0, got " + initial);
        }
        if (!(decay >= 0) || !Double.isFinite(decay)) {
            throw new IllegalArgumentException("learning rate decay must be finite and >= 0, got " + decay);
        }
        if (annealSteps < 0) {
            throw new IllegalArgumentException("anneal steps must be >= 0, got " + annealSteps);
        }
        if (annealSteps > 0 && decay > 0) {
            throw new IllegalArgumentException("learning rate decay and anneal steps are alternatives; set one, got " + decay + " and " + annealSteps);
        }
        if (!(floor >= 0 && floor <= initial)) {
            throw new IllegalArgumentException("final learning rate must be between 0 and the learning rate " + initial + ", got " + floor);
        }
    }

    /** The rate of update number {@code step} (1-based). */
    public double at(long step) {
        if (annealSteps > 0) {
            double progress = Math.min(step - 1, annealSteps) / (double) annealSteps;
            return floor + (initial - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
        }
        return decay == 0.0 ? initial : initial / (1.0 + decay * (step - 1));
    }
}
