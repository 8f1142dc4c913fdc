// Adam (Kingma & Ba 2015, Algorithm 1, in the paper's efficient form of §2) with optional L2 weight decay.
package io.neurostream.core.optim;

import io.neurostream.core.params.HostParams;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * g' = g + λ w (weights only, {@link WeightDecay}); m ← β1 m + (1−β1) g'; v ← β2 v + (1−β2) g'²;
 * w ← w − η_t m / (√v + ε̂) with η_t = η √(1−β2^t) / (1−β1^t): one loop over each chunk, element by
 * element in the model's data type, with the moments kept in chunks between steps.
 */
public final class Adam implements Optimizer {
    static final String FIRST_MOMENT = "m";
    static final String SECOND_MOMENT = "v";

    /*
     * Subnormal floats (below 1.2e-38) make each arithmetic operation ~100x slower. A parameter whose gradient stays 0
     * (an MNIST border pixel's weights) has its moments decay geometrically into that range, where v stays for ~16,000
     * steps (0.999^t): Adam then took 5-6 ms instead of 0.3 ms per step of mnist-mlp. Every sweepEvery steps, float32
     * moments below 1e-30 are flushed to 0; a moment above it cannot decay below 1e-37 (still normal) before the next
     * sweep, and what a flushed moment would add to an update is below 1e-7 of the learning rate. The sweep is a
     * separate loop so that the update loop has no branch.
     */
    private static final float FLOAT_TINY_MOMENT = 1e-30f;

    private final LearningRate learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final int sweepEvery; // steps between flushes of tiny float32 moments
    private final FlatState state = new FlatState(FIRST_MOMENT, SECOND_MOMENT);

    public Adam(LearningRate learningRate, double beta1, double beta2, double epsilon, double weightDecay) {
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = WeightDecay.check(weightDecay);
        this.sweepEvery = sweepEvery(beta1, beta2);
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
    public Adam withScheduleStride(int stride) {
        return new Adam(learningRate.strided(stride), beta1, beta2, epsilon, weightDecay);
    }

    /** Steps between sweeps: the faster-decaying moment keeps more than 1e-7 of its value over that many steps. */
    private static int sweepEvery(double beta1, double beta2) {
        double fastest = Math.min(beta1, beta2);
        return fastest <= 0 ? 1 : (int) Math.max(1, Math.min(1_000_000, Math.floor(Math.log(1e-7) / Math.log(fastest))));
    }

    private double rate(long step) {
        double t = step;
        return learningRate.at(step) * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
    }

    @Override
    public void apply(HostParams p, long step) {
        WeightDecay.addTo(p, weightDecay);
        if (p.doubles()) {
            applyDoubles(p, rate(step));
        } else {
            applyFloats(p, (float) rate(step), step % sweepEvery == 0);
        }
    }

    /** The update over float32 chunks: one method per precision, each one loop nest. */
    private void applyFloats(HostParams p, float rate, boolean sweep) {
        float[][] m = state.floats(FIRST_MOMENT, p);
        float[][] v = state.floats(SECOND_MOMENT, p);
        float[][] w = p.values();
        float[][] g = p.gradients();
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float oneMinusB1 = (float) (1 - beta1);
        float oneMinusB2 = (float) (1 - beta2);
        float eps = (float) epsilon;
        for (int c = 0; c < w.length; c++) {
            float[] wc = w[c];
            float[] gc = g[c];
            float[] mc = m[c];
            float[] vc = v[c];
            for (int i = 0; i < wc.length; i++) {
                float gi = gc[i];
                float mi = b1 * mc[i] + oneMinusB1 * gi;
                float vi = b2 * vc[i] + oneMinusB2 * gi * gi;
                mc[i] = mi;
                vc[i] = vi;
                wc[i] = wc[i] - rate * mi / ((float) Math.sqrt(vi) + eps);
            }
        }
        if (sweep) {
            flushTiny(m);
            flushTiny(v);
        }
    }

    /** The same over float64 chunks. */
    private void applyDoubles(HostParams p, double rate) {
        double[][] m = state.doubles(FIRST_MOMENT, p);
        double[][] v = state.doubles(SECOND_MOMENT, p);
        for (int c = 0; c < p.chunks(); c++) {
            double[] wc = p.values64()[c];
            double[] gc = p.gradients64()[c];
            double[] mc = m[c];
            double[] vc = v[c];
            for (int i = 0; i < wc.length; i++) {
                double gi = gc[i];
                double mi = beta1 * mc[i] + (1 - beta1) * gi;
                double vi = beta2 * vc[i] + (1 - beta2) * gi * gi;
                mc[i] = mi;
                vc[i] = vi;
                wc[i] = wc[i] - rate * mi / (Math.sqrt(vi) + epsilon);
            }
        }
    }

    private static void flushTiny(float[][] chunks) {
        for (float[] a : chunks) {
            for (int i = 0; i < a.length; i++) {
                if (Math.abs(a[i]) < FLOAT_TINY_MOMENT) {
                    a[i] = 0;
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
