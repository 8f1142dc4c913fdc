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
    public Sgd withScheduleStride(int stride) {
        return new Sgd(learningRate.strided(stride), momentum, weightDecay);
    }

    @Override
    public void apply(HostParams p, long step) {
        WeightDecay.addTo(p, weightDecay);
        FlatState velocity = momentum == 0.0 ? scratch : state;
        double rate = learningRate.at(step);
        if (p.doubles()) {
            double[][] v = velocity.doubles(VELOCITY, p);
            for (int c = 0; c < p.chunks(); c++) {
                double[] wc = p.values64()[c];
                double[] gc = p.gradients64()[c];
                double[] vc = v[c];
                for (int i = 0; i < wc.length; i++) {
                    double vi = momentum * vc[i] - rate * gc[i];
                    vc[i] = vi;
                    wc[i] = wc[i] + vi;
                }
            }
            return;
        }
        float[][] v = velocity.floats(VELOCITY, p);
        float mu = (float) momentum;
        float r = (float) rate;
        for (int c = 0; c < p.chunks(); c++) {
            float[] wc = p.values()[c];
            float[] gc = p.gradients()[c];
            float[] vc = v[c];
            for (int i = 0; i < wc.length; i++) {
                float vi = mu * vc[i] - r * gc[i];
                vc[i] = vi;
                wc[i] = wc[i] + vi;
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
