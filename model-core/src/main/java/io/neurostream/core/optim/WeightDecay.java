// L2 weight decay as a gradient term: g ← g + λ w on weights (biases are not decayed), before an optimizer's update loop.
package io.neurostream.core.optim;

import io.neurostream.core.params.HostParams;

/**
 * A pass of its own rather than a term in each optimizer's loop: without decay (λ = 0, the
 * common case) the update loops then do no extra arithmetic at all, and with it the gradient each
 * loop reads is g + λ w rounded once, as it always was.
 */
final class WeightDecay {
    private WeightDecay() {}

    /** λ when it is finite and ≥ 0. */
    static double check(double lambda) {
        if (lambda < 0 || !Double.isFinite(lambda)) {
            throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + lambda);
        }
        return lambda;
    }

    /** Adds λ w to the gradients of the chunks that hold weights; nothing for λ = 0. */
    static void addTo(HostParams p, double lambda) {
        if (lambda == 0.0) {
            return;
        }
        float l = (float) lambda;
        for (int c = 0; c < p.chunks(); c++) {
            if (!p.decays(c)) {
                continue;
            }
            if (p.doubles()) {
                double[] g = p.gradients64()[c];
                double[] w = p.values64()[c];
                for (int i = 0; i < g.length; i++) {
                    g[i] = g[i] + lambda * w[i];
                }
            } else {
                float[] g = p.gradients()[c];
                float[] w = p.values()[c];
                for (int i = 0; i < g.length; i++) {
                    g[i] = g[i] + l * w[i];
                }
            }
        }
    }
}
