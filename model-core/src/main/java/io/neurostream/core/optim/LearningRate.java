// A learning rate with optional inverse-time decay, η_t = η / (1 + d (t - 1)), or a cosine anneal to a floor over N updates.
package io.neurostream.core.optim;

/**
 * Inverse-time decay suits an open-ended stream: the rate halves after 1/d updates and keeps
 * shrinking slowly. A cosine anneal suits a stream of known length (an epoch of a dataset): the
 * rate falls from η to the floor along half a cosine over {@code annealSteps} updates, then stays
 * at the floor, η_t = η_min + (η − η_min) (1 + cos(π min(t − 1, N) / N)) / 2. Neither: constant.
 *
 * <p>{@code stride}: the schedule steps this many updates of the model per update of this optimizer, so update t has the rate of
 * update {@code stride · t} (1: every update is the model's). A model trained by R replicas that are averaged has its schedule
 * strided by R: after t local updates the R replicas have together made R·t, the updates one unreplicated model would have made
 * on the same samples, and the schedule follows the model rather than each replica.
 */
public record LearningRate(double initial, double decay, long annealSteps, double floor, int stride) {

    public LearningRate(double initial, double decay) {
        this(initial, decay, 0, initial);
    }

    public LearningRate(double initial, double decay, long annealSteps, double floor) {
        this(initial, decay, annealSteps, floor, 1);
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
        if (stride < 1) {
            throw new IllegalArgumentException("learning rate stride must be >= 1, got " + stride);
        }
    }

    /** The same schedule advanced {@code stride} updates per update (see the class comment). */
    public LearningRate strided(int stride) {
        return new LearningRate(initial, decay, annealSteps, floor, stride);
    }

    /** The rate of update number {@code step} (1-based): the schedule's rate at update {@code stride · step}. */
    public double at(long update) {
        long step = Math.multiplyExact(update, (long) stride);
        if (annealSteps > 0) {
            double progress = Math.min(step - 1, annealSteps) / (double) annealSteps;
            return floor + (initial - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
        }
        return decay == 0.0 ? initial : initial / (1.0 + decay * (step - 1));
    }
}
