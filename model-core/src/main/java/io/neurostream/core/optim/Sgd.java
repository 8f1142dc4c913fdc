// Stochastic gradient descent with optional classical momentum and L2 weight decay.
package io.neurostream.core.optim;

import io.neurostream.core.params.HostParams;
import io.neurostream.core.params.Params;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * g' = g + λ w (weights only, not biases); without momentum w ← w − η g'; with momentum μ,
 * v ← μ v − η g' and w ← w + v (Polyak's heavy ball; Sutskever et al. 2013, eq. 1).
 */
public final class Sgd implements Optimizer {
    static final String VELOCITY = "velocity";

    private final LearningRate learningRate;
    private final double momentum;
    private final WeightDecay weightDecay;
    private final FlatState state = new FlatState(VELOCITY);

    public Sgd(LearningRate learningRate, double momentum, double weightDecay) {
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.weightDecay = new WeightDecay(weightDecay);
    }

    @Override
    public String specName() {
        return "sgd";
    }

    @Override
    public double learningRate(long step) {
        return learningRate.at(step);
    }

    @Override
    public void apply(Params params, long step) {
        INDArray w = params.values();
        INDArray g = params.gradients();
        weightDecay.addTo(params);
        if (momentum == 0.0) {
            Nd4j.getBlasWrapper().level1().axpy(w.length(), -learningRate.at(step), g, w);
            return;
        }
        INDArray v = state.get(VELOCITY, w);
        v.muli(momentum);
        Nd4j.getBlasWrapper().level1().axpy(w.length(), -learningRate.at(step), g, v);
        w.addi(v);
    }

    @Override
    public void apply(HostParams host, long step) {
        weightDecay.addTo(host);
        float rate = (float) learningRate.at(step);
        float mu = (float) momentum;
        float[][] velocity = momentum == 0.0 ? null : state.host(VELOCITY, host);
        for (int c = 0; c < host.chunks(); c++) {
            float[] w = host.values()[c];
            float[] g = host.gradients()[c];
            if (velocity == null) {
                for (int i = 0; i < w.length; i++) {
                    w[i] = w[i] - rate * g[i];
                }
            } else {
                float[] v = velocity[c];
                for (int i = 0; i < w.length; i++) {
                    float vi = mu * v[i] - rate * g[i];
                    v[i] = vi;
                    w[i] = w[i] + vi;
                }
            }
        }
    }

    @Override
    public Map<String, INDArray> state() {
        return state.all();
    }

    @Override
    public void restoreState(String name, INDArray flat) {
        state.restore(specName(), name, flat);
    }
}
