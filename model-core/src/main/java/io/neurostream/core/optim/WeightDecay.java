// L2 weight decay as a gradient term: g ← g + λ w on weights (biases are not decayed).
package io.neurostream.core.optim;

import io.neurostream.core.params.HostParams;
import io.neurostream.core.params.Params;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

final class WeightDecay {
    private final double lambda;
    private INDArray decayed; // [P] scratch: mask * w

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

    /** The same on a float32 model's host copies, chunk by chunk (a chunk holds weights or biases, never both). */
    void addTo(HostParams host) {
        if (lambda == 0.0) {
            return;
        }
        float l = (float) lambda;
        for (int c = 0; c < host.chunks(); c++) {
            if (host.decays(c)) {
                float[] g = host.gradients()[c];
                float[] w = host.values()[c];
                for (int i = 0; i < g.length; i++) {
                    g[i] = g[i] + l * w[i];
                }
            }
        }
    }
}
