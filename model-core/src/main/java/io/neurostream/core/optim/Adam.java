// Adam (Kingma & Ba 2015, Algorithm 1, in the paper's efficient form of §2) with optional L2 weight decay.
package io.neurostream.core.optim;

import io.neurostream.core.params.Params;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²; w ← w − η_t m / (√v + ε̂) with
 * η_t = η √(1−β2^t) / (1−β1^t): one loop over the flat buffers, element by element in the model's data type.
 */
public final class Adam implements Optimizer {
    static final String FIRST_MOMENT = "m";
    static final String SECOND_MOMENT = "v";

    private final LearningRate learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final WeightDecay weightDecay;
    private final FlatState state = new FlatState(FIRST_MOMENT, SECOND_MOMENT);

    public Adam(LearningRate learningRate, double beta1, double beta2, double epsilon, double weightDecay) {
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = new WeightDecay(weightDecay);
    }

    @Override
    public String specName() {
        return "adam";
    }

    @Override
    public double learningRate(long step) {
        return learningRate.at(step);
    }

    @Override
    public void update(Params params, long step) {
        INDArray w = params.values();
        weightDecay.addTo(params);
        INDArray m = state.get(FIRST_MOMENT, w);
        INDArray v = state.get(SECOND_MOMENT, w);
        double t = step;
        double rate = learningRate.at(step) * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
        if (w.dataType() == DataType.FLOAT) {
            updateFloats(w.data().asNioFloat(), params.gradients().data().asNioFloat(), m.data().asNioFloat(), v.data().asNioFloat(),
                    (int) w.length(), (float) rate);
        } else {
            updateDoubles(w.data().asNioDouble(), params.gradients().data().asNioDouble(), m.data().asNioDouble(), v.data().asNioDouble(),
                    (int) w.length(), rate);
        }
    }

    /*
     * Subnormal floats (below 1.2e-38) make each arithmetic operation ~100x slower. A parameter whose gradient stays 0
     * (an MNIST border pixel's weights) has its moments decay geometrically into that range, where v stays for ~16,000
     * steps (0.999^t): Adam then took 5-6 ms instead of 0.3 ms per step of mnist-mlp. Moments below 1e-30 and gradients
     * below 1e-15 are flushed to 0; what they would add to an update is below 1e-7 of the learning rate.
     */
    private static final float FLOAT_TINY_MOMENT = 1e-30f;
    private static final float FLOAT_TINY_GRADIENT = 1e-15f;

    // One pass over the flat buffers on the host: ND4J's AdamUpdater op and element-wise ops cost 40 us and more each
    // on this size, and one plain loop is several times faster (measured: `bench model --model mnist-mlp`).
    private void updateFloats(FloatBuffer w, FloatBuffer g, FloatBuffer m, FloatBuffer v, int n, float rate) {
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float oneMinusB1 = (float) (1 - beta1);
        float oneMinusB2 = (float) (1 - beta2);
        float eps = (float) epsilon;
        for (int i = 0; i < n; i++) {
            float gi = g.get(i);
            if (Math.abs(gi) < FLOAT_TINY_GRADIENT) {
                gi = 0; // its square would be subnormal
            }
            float mi = b1 * m.get(i) + oneMinusB1 * gi;
            float vi = b2 * v.get(i) + oneMinusB2 * gi * gi;
            if (Math.abs(mi) < FLOAT_TINY_MOMENT) {
                mi = 0;
            }
            if (vi < FLOAT_TINY_MOMENT) {
                vi = 0;
            }
            m.put(i, mi);
            v.put(i, vi);
            w.put(i, w.get(i) - rate * mi / ((float) Math.sqrt(vi) + eps));
        }
    }

    private void updateDoubles(DoubleBuffer w, DoubleBuffer g, DoubleBuffer m, DoubleBuffer v, int n, double rate) {
        for (int i = 0; i < n; i++) {
            double gi = g.get(i);
            double mi = beta1 * m.get(i) + (1 - beta1) * gi;
            double vi = beta2 * v.get(i) + (1 - beta2) * gi * gi;
            m.put(i, mi);
            v.put(i, vi);
            w.put(i, w.get(i) - rate * mi / (Math.sqrt(vi) + epsilon));
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
