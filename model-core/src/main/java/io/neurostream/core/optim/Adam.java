// Adam (Kingma & Ba 2015, Algorithm 1, in the paper's efficient form of §2) with optional L2 weight decay.
package io.neurostream.core.optim;

import io.neurostream.core.params.HostParams;
import io.neurostream.core.params.Params;
import java.nio.DoubleBuffer;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²; w ← w − η_t m / (√v + ε̂) with
 * η_t = η √(1−β2^t) / (1−β1^t): one loop on the host, element by element in the model's data type (float32 over Java
 * arrays, with the moments kept on the heap between steps).
 */
public final class Adam implements Optimizer {
    static final String FIRST_MOMENT = "m";
    static final String SECOND_MOMENT = "v";

    private final LearningRate learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final WeightDecay weightDecay;
    private final int sweepEvery; // steps between flushes of tiny float32 moments, see below
    private final FlatState state = new FlatState(FIRST_MOMENT, SECOND_MOMENT);

    public Adam(LearningRate learningRate, double beta1, double beta2, double epsilon, double weightDecay) {
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = new WeightDecay(weightDecay);
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
    public void apply(Params params, long step) {
        INDArray w = params.values();
        if (w.dataType() == DataType.FLOAT) {
            if (copies == null) {
                copies = HostParams.of(params, false);
            }
            copies.loadValues(params);
            copies.loadGradients(params);
            apply(copies, step);
            copies.storeValues(params);
        } else {
            weightDecay.addTo(params);
            INDArray m = state.get(FIRST_MOMENT, w);
            INDArray v = state.get(SECOND_MOMENT, w);
            updateDoubles(w.data().asNioDouble(), params.gradients().data().asNioDouble(), m.data().asNioDouble(), v.data().asNioDouble(),
                    (int) w.length(), rate(step));
        }
    }

    /*
     * Subnormal floats (below 1.2e-38) make each arithmetic operation ~100x slower. A parameter whose gradient stays 0
     * (an MNIST border pixel's weights) has its moments decay geometrically into that range, where v stays for ~16,000
     * steps (0.999^t): Adam then took 5-6 ms instead of 0.3 ms per step of mnist-mlp. Every sweepEvery steps, moments
     * below 1e-30 are flushed to 0; a moment above it cannot decay below 1e-37 (still normal) before the next sweep, and
     * what a flushed moment would add to an update is below 1e-7 of the learning rate. The sweep is a separate loop so
     * that the update loop has no branch.
     */
    private static final float FLOAT_TINY_MOMENT = 1e-30f;

    private HostParams copies; // a float32 network's values and gradients copied to the heap for each update

    /** Steps between sweeps: the faster-decaying moment keeps more than 1e-7 of its value over that many steps. */
    private static int sweepEvery(double beta1, double beta2) {
        double fastest = Math.min(beta1, beta2);
        return fastest <= 0 ? 1 : (int) Math.max(1, Math.min(1_000_000, Math.floor(Math.log(1e-7) / Math.log(fastest))));
    }

    private double rate(long step) {
        double t = step;
        return learningRate.at(step) * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
    }

    /*
     * On the heap, chunk by chunk: ND4J's AdamUpdater op and element-wise ops cost 40 us and more each on mnist-mlp's
     * 101,770 parameters, and a loop over the direct buffers ~240 us because the JIT does not vectorise it. Over arrays
     * that all use the same index it is vectorised: ~50 us. The moments stay on the heap between steps.
     */
    @Override
    public void apply(HostParams host, long step) {
        weightDecay.addTo(host);
        float rate = (float) rate(step);
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float oneMinusB1 = (float) (1 - beta1);
        float oneMinusB2 = (float) (1 - beta2);
        float eps = (float) epsilon;
        float[][] ms = state.host(FIRST_MOMENT, host);
        float[][] vs = state.host(SECOND_MOMENT, host);
        for (int c = 0; c < host.chunks(); c++) {
            float[] w = host.values()[c];
            float[] g = host.gradients()[c];
            float[] m = ms[c];
            float[] v = vs[c];
            for (int i = 0; i < w.length; i++) {
                float gi = g[i];
                float mi = b1 * m[i] + oneMinusB1 * gi;
                float vi = b2 * v[i] + oneMinusB2 * gi * gi;
                m[i] = mi;
                v[i] = vi;
                w[i] = w[i] - rate * mi / ((float) Math.sqrt(vi) + eps);
            }
        }
        if (step % sweepEvery == 0) {
            flushTiny(ms);
            flushTiny(vs);
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
