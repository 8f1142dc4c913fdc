// L2 weight decay as a gradient term: g ← g + λ w on weights (biases are not decayed).
package io.neurostream.core.optim;

import io.neurostream.core.params.Params;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

final class WeightDecay {
    private final double lambda;
    private INDArray decayed; // [P] scratch: mask * w
    private float[] hostMask; // [P] 1 for weights, 0 for biases

    WeightDecay(double lambda) {
        if (lambda < 0 || !Double.isFinite(lambda)) {
            throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + lambda);
        }
        this.lambda = lambda;
    }

    /** Adds λ · mask · w to the gradients; does nothing for λ = 0. */
    void addTo(Params params) {
        if (lambda == 0.0) {
            return;
        }
        INDArray w = params.values();
        if (decayed == null) {
            decayed = w.ulike();
        }
        decayed.assign(params.decayMask()).muli(w);
        Nd4j.getBlasWrapper().level1().axpy(w.length(), lambda, decayed, params.gradients());
    }

    /** The same on host copies of a float32 model's gradients and values. */
    void addTo(Params params, float[] g, float[] w) {
        if (lambda == 0.0) {
            return;
        }
        if (hostMask == null) {
            hostMask = params.decayMask().toFloatVector();
        }
        float l = (float) lambda;
        float[] mask = hostMask;
        for (int i = 0; i < mask.length; i++) {
            g[i] = g[i] + l * mask[i] * w[i];
        }
    }
}
