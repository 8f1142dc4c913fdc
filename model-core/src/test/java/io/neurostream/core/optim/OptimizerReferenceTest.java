// SGD (plain, momentum, weight decay) and Adam against straightforward Java references of their formulas.
package io.neurostream.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.params.HostParams;
import io.neurostream.core.params.Init;
import io.neurostream.core.params.ParamSpec;
import io.neurostream.core.params.Params;
import io.neurostream.core.rng.Rng;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class OptimizerReferenceTest {
    private static final int STEPS = 5;

    /** A weight [2, 2] and a bias [2]: weight decay must touch only the first four values. */
    private static Params params() {
        Params p = new Params(List.of(ParamSpec.weight("W", Init.XAVIER, 2, 2, 2, 2), ParamSpec.bias("b", 2)), DataType.DOUBLE);
        for (int i = 0; i < 6; i++) {
            p.values().putScalar(i, 0.1 * (i + 1) - 0.25);
        }
        return p;
    }

    /** The gradient of step t: a fixed, non-trivial function of t and the index. */
    private static double gradient(int t, int i) {
        return Math.sin(1.7 * t + i) * (i % 2 == 0 ? 1 : -0.5);
    }

    private static void setGradients(Params p, int t) {
        for (int i = 0; i < 6; i++) {
            p.gradients().putScalar(i, gradient(t, i));
        }
    }

    @Test
    void sgdWithMomentumDecayAndWeightDecayFollowsTheFormulas() {
        double lr = 0.1;
        double decay = 0.5;
        double mu = 0.9;
        double lambda = 0.01;
        Params p = params();
        Sgd sgd = new Sgd(new LearningRate(lr, decay), mu, lambda);
        double[] w = new double[6];
        double[] v = new double[6];
        for (int i = 0; i < 6; i++) {
            w[i] = p.values().getDouble(i);
        }
        for (int t = 1; t <= STEPS; t++) {
            setGradients(p, t);
            sgd.update(p, t);
            double rate = lr / (1 + decay * (t - 1));
            for (int i = 0; i < 6; i++) {
                double g = gradient(t, i) + (i < 4 ? lambda * w[i] : 0);
                v[i] = mu * v[i] - rate * g;
                w[i] += v[i];
            }
        }
        for (int i = 0; i < 6; i++) {
            assertEquals(w[i], p.values().getDouble(i), 1e-12, "value " + i);
        }
    }

    @Test
    void plainSgdIsOneScaledSubtraction() {
        Params p = params();
        double before = p.values().getDouble(3);
        setGradients(p, 1);
        new Sgd(new LearningRate(0.5, 0), 0, 0).update(p, 1);
        assertEquals(before - 0.5 * gradient(1, 3), p.values().getDouble(3), 1e-15);
    }

    /** Kingma & Ba (2015), Algorithm 1 with the efficient ordering of §2: α_t = α √(1−β2^t)/(1−β1^t). */
    @Test
    void adamFollowsThePaper() {
        double lr = 0.01;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        Params p = params();
        Adam adam = new Adam(new LearningRate(lr, 0), b1, b2, eps, 0);
        double[] w = new double[6];
        double[] m = new double[6];
        double[] v = new double[6];
        for (int i = 0; i < 6; i++) {
            w[i] = p.values().getDouble(i);
        }
        for (int t = 1; t <= STEPS; t++) {
            setGradients(p, t);
            adam.update(p, t);
            double alpha = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
            for (int i = 0; i < 6; i++) {
                double g = gradient(t, i);
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                w[i] -= alpha * m[i] / (Math.sqrt(v[i]) + eps);
            }
        }
        for (int i = 0; i < 6; i++) {
            assertEquals(w[i], p.values().getDouble(i), 1e-10, "value " + i);
            assertEquals(m[i], adam.state().get(Adam.FIRST_MOMENT).getDouble(i), 1e-12, "m " + i);
            assertEquals(v[i], adam.state().get(Adam.SECOND_MOMENT).getDouble(i), 1e-12, "v " + i);
        }
    }

    /**
     * The float32 path (moments in chunks on the Java heap, a periodic flush of tiny moments)
     * is the formula evaluated in float, bit for bit, also across a save and restore of its state;
     * a parameter whose gradient becomes 0 sees its moments decay to exactly 0, never through
     * subnormal floats (which make every operation on them ~100x slower).
     */
    @Test
    void adamInFloatIsTheFormulaBitForBitAndItsMomentsNeverTurnSubnormal() {
        int n = 5_050; // more than one block
        float b1 = 0.9f;
        float b2 = 0.95f; // v decays fast enough to reach the subnormal range within the test
        double lr = 0.001;
        Params p = new Params(List.of(ParamSpec.weight("W", Init.XAVIER, 100, 50, 100, 50), ParamSpec.bias("b", 50)), DataType.FLOAT);
        float[] w = new float[n];
        float[] m = new float[n];
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (0.01 * (i % 97) - 0.3);
            p.values().putScalar(i, w[i]);
        }
        Adam adam = new Adam(new LearningRate(lr, 0), b1, b2, 1e-8, 0);
        for (int t = 1; t <= 2_000; t++) {
            if (t == 1_000) { // as a snapshot does: a new optimizer continues from the saved moments
                Adam restored = new Adam(new LearningRate(lr, 0), b1, b2, 1e-8, 0);
                adam.state().forEach((name, array) -> restored.restoreState(name, array.dup()));
                adam = restored;
            }
            float[] g = new float[n];
            for (int i = 0; i < n; i++) {
                g[i] = i % 7 == 0 && t > 3 ? 0f : (float) gradient(t, i);
                p.gradients().putScalar(i, g[i]);
            }
            adam.update(p, t);
            float rate = (float) (lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t)));
            for (int i = 0; i < n; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                w[i] = w[i] - rate * m[i] / ((float) Math.sqrt(v[i]) + 1e-8f);
            }
            float[] am = adam.state().get(Adam.FIRST_MOMENT).toFloatVector();
            float[] av = adam.state().get(Adam.SECOND_MOMENT).toFloatVector();
            for (int i = 0; i < n; i++) {
                if (i % 7 == 0) {
                    assertTrue(am[i] == 0 || Math.abs(am[i]) >= Float.MIN_NORMAL, "m " + i + " is subnormal at step " + t + ": " + am[i]);
                    assertTrue(av[i] == 0 || av[i] >= Float.MIN_NORMAL, "v " + i + " is subnormal at step " + t + ": " + av[i]);
                } else if (t % 250 == 0 || t == 2_000) {
                    assertEquals(m[i], am[i], "m " + i + " at step " + t);
                    assertEquals(v[i], av[i], "v " + i + " at step " + t);
                    assertEquals(w[i], p.values().getFloat(i), "value " + i + " at step " + t);
                }
            }
        }
        float[] am = adam.state().get(Adam.FIRST_MOMENT).toFloatVector();
        float[] av = adam.state().get(Adam.SECOND_MOMENT).toFloatVector();
        for (int i = 0; i < n; i += 7) {
            assertEquals(0f, am[i], "m " + i + " flushed");
            assertEquals(0f, av[i], "v " + i + " flushed");
        }
    }

    /** A NaN or infinite gradient anywhere makes every optimizer refuse the step and change nothing. */
    @Test
    void aNonFiniteGradientChangesNothing() {
        for (DataType type : List.of(DataType.FLOAT, DataType.DOUBLE)) {
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                for (Optimizer optimizer : optimizersWithState()) {
                    String what = optimizer.specName() + " " + type + " with " + bad;
                    Params p = new Params(List.of(ParamSpec.weight("W", Init.XAVIER, 100, 50, 100, 50), ParamSpec.bias("b", 50)), type);
                    p.values().assign(0.25);
                    p.gradients().assign(0.5);
                    p.gradients().putScalar(3, Float.MAX_VALUE); // large and tiny values are finite
                    p.gradients().putScalar(4, -Float.MIN_VALUE);
                    assertTrue(optimizer.update(p, 1), what + ": finite gradients are applied");
                    double[] values = p.values().toDoubleVector();
                    Map<String, double[]> state = new java.util.HashMap<>();
                    optimizer.state().forEach((name, array) -> state.put(name, array.toDoubleVector()));
                    p.gradients().assign(0.5);
                    p.gradients().putScalar(4_321, bad);
                    assertFalse(optimizer.update(p, 2), what + ": refused");
                    assertArrayEquals(values, p.values().toDoubleVector(), what + ": values unchanged");
                    optimizer.state().forEach((name, array) -> assertArrayEquals(state.get(name), array.toDoubleVector(), what + ": " + name));
                }
            }
        }
    }

    private static List<Optimizer> optimizersWithState() {
        return List.of(new Adam(new LearningRate(0.01, 0), 0.9, 0.999, 1e-8, 0.01), new Sgd(new LearningRate(0.1, 0), 0.9, 0.01),
                new Sgd(new LearningRate(0.1, 0), 0, 0));
    }

    private static float[][] deepCopy(float[][] chunks) {
        float[][] copy = new float[chunks.length][];
        for (int c = 0; c < chunks.length; c++) {
            copy[c] = chunks[c].clone();
        }
        return copy;
    }

    @Test
    void aNonFiniteGradientOnTheHeapChangesNothing() {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            for (Optimizer optimizer : optimizersWithState()) {
                String what = optimizer.specName() + " on the heap with " + bad;
                Params p = new Params(List.of(ParamSpec.weight("W", Init.XAVIER, 100, 50, 100, 50), ParamSpec.bias("b", 50)), DataType.FLOAT);
                p.values().assign(0.25);
                HostParams host = HostParams.of(p, true);
                assertEquals(101, host.chunks(), "100 weight rows and the bias");
                host.loadValues(p);
                for (float[] g : host.gradients()) {
                    Arrays.fill(g, 0.5f);
                }
                host.gradients()[0][3] = Float.MAX_VALUE; // large and tiny values are finite
                host.gradients()[100][4] = -Float.MIN_VALUE;
                assertTrue(optimizer.update(host, 1), what + ": finite gradients are applied");
                float[][] values = deepCopy(host.values());
                Map<String, double[]> state = new java.util.HashMap<>();
                optimizer.state().forEach((name, array) -> state.put(name, array.toDoubleVector()));
                for (float[] g : host.gradients()) {
                    Arrays.fill(g, 0.5f);
                }
                host.gradients()[43][21] = bad;
                assertFalse(optimizer.update(host, 2), what + ": refused");
                assertArrayEquals(values, host.values(), what + ": values unchanged");
                optimizer.state().forEach((name, array) -> assertArrayEquals(state.get(name), array.toDoubleVector(), what + ": " + name));
            }
        }
    }

    @Test
    void adamOnWeightRowsIsAdamOnTheFlatBufferBitForBit() {
        List<ParamSpec> specs = List.of(ParamSpec.weight("W", Init.XAVIER, 30, 20, 30, 20), ParamSpec.bias("b", 20));
        Params flat = new Params(specs, DataType.FLOAT);
        Params rows = new Params(specs, DataType.FLOAT);
        flat.initialize(new Rng(1));
        rows.initialize(new Rng(1));
        Optimizer onFlat = new Adam(new LearningRate(0.01, 0), 0.9, 0.999, 1e-8, 0.01);
        Optimizer onRows = new Adam(new LearningRate(0.01, 0), 0.9, 0.999, 1e-8, 0.01);
        HostParams host = HostParams.of(rows, true);
        host.loadValues(rows);
        Rng rng = new Rng(2);
        for (int step = 1; step <= 300; step++) {
            for (int i = 0; i < flat.gradients().length(); i++) {
                flat.gradients().putScalar(i, rng.nextDouble() - 0.5);
            }
            host.load(flat.gradients().data().asNioFloat(), host.gradients());
            onFlat.update(flat, step);
            onRows.update(host, step);
        }
        host.storeValues(rows);
        assertEquals(flat.values(), rows.values());
        assertEquals(onFlat.state(), onRows.state());
    }

    @Test
    void inverseTimeDecayHalvesAfterOneOverDSteps() {
        LearningRate rate = new LearningRate(0.2, 0.01);
        assertEquals(0.2, rate.at(1), 0);
        assertEquals(0.1, rate.at(101), 1e-15);
    }

    @Test
    void cosineAnnealFallsFromTheRateToTheFloorAndStays() {
        LearningRate rate = new LearningRate(0.002, 0, 100, 0.0002);
        assertEquals(0.002, rate.at(1), 1e-18);
        assertEquals(0.0011, rate.at(51), 1e-15); // half-way: the mean of rate and floor
        assertEquals(0.0002 + 0.0018 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), rate.at(26), 1e-15);
        assertEquals(0.0002, rate.at(101), 1e-18);
        assertEquals(0.0002, rate.at(1_000_000), 1e-18);
    }
}
