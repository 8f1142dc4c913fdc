// Central-difference gradient check in float64: every trainable parameter's analytic gradient against (L(w+h) - L(w-h)) / 2h.
package io.neurostream.core.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.net.Network;
import io.neurostream.core.rng.Rng;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The loss is evaluated in training mode with the model's generator reset before every
 * evaluation, so layers that draw random numbers (dropout) see the same mask each time.
 */
public final class GradientCheck {
    public static final double STEP = 1e-6;
    public static final double MAX_RELATIVE_ERROR = 1e-5;
    /** Absolute differences below this are accepted whatever the relative error (both gradients ~0). */
    public static final double ABSOLUTE_TOLERANCE = 1e-8;

    private GradientCheck() {}

    /** Checks every trainable parameter (at most {@code maxChecks}, evenly spread); returns the largest relative error. */
    public static double check(Network net, INDArray input, INDArray targets, int maxChecks) {
        assertEquals(DataType.DOUBLE, net.dataType(), "gradient checks run in float64");
        long[] rngState = net.rng().state();
        resetRng(net, rngState);
        double loss = net.computeGradients(input, targets);
        assertTrue(Double.isFinite(loss), "loss must be finite, got " + loss);
        INDArray analytic = net.params().gradients().dup();
        INDArray values = net.params().values();
        long count = net.params().trainableCount();
        long stride = Math.max(1, count / maxChecks);
        double worst = 0;
        int checked = 0;
        for (long i = 0; i < count; i += stride) {
            double original = values.getDouble(i);
            values.putScalar(i, original + STEP);
            resetRng(net, rngState);
            double plus = net.trainingLoss(input, targets);
            values.putScalar(i, original - STEP);
            resetRng(net, rngState);
            double minus = net.trainingLoss(input, targets);
            values.putScalar(i, original);
            double numeric = (plus - minus) / (2 * STEP);
            double a = analytic.getDouble(i);
            double diff = Math.abs(a - numeric);
            double relative = diff / Math.max(Math.abs(a), Math.abs(numeric));
            if (diff > ABSOLUTE_TOLERANCE) {
                worst = Math.max(worst, relative);
                assertTrue(relative < MAX_RELATIVE_ERROR, "parameter #" + i + " (" + describe(net, i) + "): analytic " + a
                        + ", numeric " + numeric + ", relative error " + relative);
            }
            checked++;
        }
        assertTrue(checked > 0, "no parameter checked");
        return worst;
    }

    /** Random inputs in [-1, 1) of the given shape, float64, from a fixed seed. */
    public static INDArray randomInput(long seed, long... shape) {
        Rng rng = new Rng(seed);
        INDArray a = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, 2 * rng.nextDouble() - 1);
        }
        return a;
    }

    /** One-hot targets [B, K] for random classes. */
    public static INDArray randomOneHot(long seed, int batch, int classes) {
        Rng rng = new Rng(seed);
        INDArray t = Nd4j.zeros(DataType.DOUBLE, batch, classes);
        for (int b = 0; b < batch; b++) {
            t.putScalar(b, rng.nextInt(classes), 1.0);
        }
        return t;
    }

    private static void resetRng(Network net, long[] state) {
        net.restore(net.counters(), state);
    }

    private static String describe(Network net, long flatIndex) {
        for (var e : net.params().entries()) {
            if (!e.isState() && flatIndex >= e.offset() && flatIndex < e.offset() + e.spec().length()) {
                return e.spec().name() + "[" + (flatIndex - e.offset()) + "]";
            }
        }
        return "?";
    }
}
