// SGD (plain, momentum, weight decay) and Adam against straightforward Java references of their formulas.
package io.neurostream.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.neurostream.core.params.Init;
import io.neurostream.core.params.ParamSpec;
import io.neurostream.core.params.Params;
import java.util.List;
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

    @Test
    void inverseTimeDecayHalvesAfterOneOverDSteps() {
        LearningRate rate = new LearningRate(0.2, 0.01);
        assertEquals(0.2, rate.at(1), 0);
        assertEquals(0.1, rate.at(101), 1e-15);
    }
}
