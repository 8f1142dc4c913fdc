// Stochastic gradient descent with optional classical momentum and L2 weight decay.
package io.neurostream.core.optim;

import io.neurostream.core.params.HostParams;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * g' = g + λ w (weights only, not biases); v ← μ v − η g' and w ← w + v (Polyak's heavy ball;
 * Sutskever et al. 2013, eq. 1). Without momentum (μ = 0) that is w ← w − η g': v is then a
 * scratch chunk, not state the model saves.
 */
public final class Sgd implements Optimizer {
    static final String VELOCITY = "velocity";

    private final LearningRate learningRate;
    private final double momentum;
    private final double weightDecay;
    private final FlatState state = new FlatState(VELOCITY);
    private final FlatState scratch = new FlatState(VELOCITY); // the velocity without momentum, never saved

    public Sgd(LearningRate learningRate, double momentum, double weightDecay) {
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.weightDecay = WeightDecay.check(weightDecay);
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
    public void apply(HostParams p, long step) {
        FlatState velocity = momentum == 0.0 ? scratch : state;
        double rate = learningRate.at(step);
        if (p.doubles()) {
            double[][] v = velocity.doubles(VELOCITY, p);
            for (int c = 0; c < p.chunks(); c++) {
                step(p.values64()[c], p.gradients64()[c], v[c], p.decays(c) ? weightDecay : 0.0, momentum, rate);
            }
            return;
        }
        float[][] v = velocity.floats(VELOCITY, p);
        for (int c = 0; c < p.chunks(); c++) {
            step(p.values()[c], p.gradients()[c], v[c], p.decays(c) ? (float) weightDecay : 0f, (float) momentum, (float) rate);
        }
    }

    private static void step(float[] w, float[] g, float[] v, float lambda, float mu, float rate) {
        for (int i = 0; i < w.length; i++) {
            float gi = g[i] + lambda * w[i];
            float vi = mu * v[i] - rate * gi;
            v[i] = vi;
            w[i] = w[i] + vi;
        }
    }

    private static void step(double[] w, double[] g, double[] v, double lambda, double mu, double rate) {
        for (int i = 0; i < w.length; i++) {
            double gi = g[i] + lambda * w[i];
            double vi = mu * v[i] - rate * gi;
            v[i] = vi;
            w[i] = w[i] + vi;
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
