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
 * η_t = η √(1−β2^t) / (1−β1^t): one loop over the flat buffers on the host, element by element in the model's data
 * type (for float32 with the moments kept in Java arrays between steps).
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
        double t = step;
        double rate = learningRate.at(step) * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
        if (w.dataType() == DataType.FLOAT) {
            updateFloats(params, (int) w.length(), (float) rate, step);
        } else {
            weightDecay.addTo(params);
            INDArray m = state.get(FIRST_MOMENT, w);
            INDArray v = state.get(SECOND_MOMENT, w);
            updateDoubles(w.data().asNioDouble(), params.gradients().data().asNioDouble(), m.data().asNioDouble(), v.data().asNioDouble(),
                    (int) w.length(), rate);
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

    private float[] hostM; // the moments live on the Java heap between steps; state() copies them out
    private float[] hostV;
    private boolean stateStale; // the INDArrays of `state` are older than hostM/hostV
    private float[] hostW = new float[0];
    private float[] hostG = new float[0];

    /** Steps between sweeps: the faster-decaying moment keeps more than 1e-7 of its value over that many steps. */
    private static int sweepEvery(double beta1, double beta2) {
        double fastest = Math.min(beta1, beta2);
        return fastest <= 0 ? 1 : (int) Math.max(1, Math.min(1_000_000, Math.floor(Math.log(1e-7) / Math.log(fastest))));
    }

    /*
     * On the host, over Java arrays: ND4J's AdamUpdater op and element-wise ops cost 40 us and more each on mnist-mlp's
     * 101,770 parameters, and a loop over the direct buffers ~240 us because the JIT does not vectorise it. Over arrays
     * that all use the same index (with different offsets it cannot rule out aliasing) it is vectorised: ~50 us, plus
     * ~10 us for each bulk copy of values and gradients in and of values out.
     */
    private void updateFloats(Params params, int n, float rate, long step) {
        if (hostM == null) {
            hostM = new float[n];
            hostV = new float[n];
            state.get(FIRST_MOMENT, params.values()).data().asNioFloat().get(0, hostM);
            state.get(SECOND_MOMENT, params.values()).data().asNioFloat().get(0, hostV);
        }
        if (hostW.length != n) {
            hostW = new float[n];
            hostG = new float[n];
        }
        FloatBuffer values = params.values().data().asNioFloat();
        values.get(0, hostW, 0, n);
        params.gradients().data().asNioFloat().get(0, hostG, 0, n);
        weightDecay.addTo(params, hostG, hostW);
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float oneMinusB1 = (float) (1 - beta1);
        float oneMinusB2 = (float) (1 - beta2);
        float eps = (float) epsilon;
        float[] w = hostW;
        float[] g = hostG;
        float[] m = hostM;
        float[] v = hostV;
        for (int i = 0; i < n; i++) {
            float gi = g[i];
            float mi = b1 * m[i] + oneMinusB1 * gi;
            float vi = b2 * v[i] + oneMinusB2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            w[i] = w[i] - rate * mi / ((float) Math.sqrt(vi) + eps);
        }
        values.put(0, w, 0, n);
        if (step % sweepEvery == 0) {
            flushTiny(m);
            flushTiny(v);
        }
        stateStale = true;
    }

    private static void flushTiny(float[] a) {
        for (int i = 0; i < a.length; i++) {
            if (Math.abs(a[i]) < FLOAT_TINY_MOMENT) {
                a[i] = 0;
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
        if (stateStale) {
            state.all().get(FIRST_MOMENT).data().asNioFloat().put(0, hostM);
            state.all().get(SECOND_MOMENT).data().asNioFloat().put(0, hostV);
            stateStale = false;
        }
        return state.all();
    }

    @Override
    public void restoreState(String name, INDArray flat) {
        state(); // the moments not restored keep their latest values
        state.restore(specName(), name, flat);
        hostM = null; // reloaded from the restored arrays at the next update
        hostV = null;
        stateStale = false;
    }
}
