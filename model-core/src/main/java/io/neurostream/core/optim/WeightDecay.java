// L2 weight decay λ as a gradient term, g ← g + λ w on weights (biases are not decayed): the optimizers add it in their loops.
package io.neurostream.core.optim;

final class WeightDecay {
    private WeightDecay() {}

    /** λ when it is finite and ≥ 0. */
    static double check(double lambda) {
        if (lambda < 0 || !Double.isFinite(lambda)) {
            throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + lambda);
        }
        return lambda;
    }
}
