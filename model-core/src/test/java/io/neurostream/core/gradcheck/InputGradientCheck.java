// Central-difference check of one layer's input gradient dL/dIn in float64, for L = sum(out * R) with fixed random R.
package io.neurostream.core.gradcheck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.layers.Layer;
import io.neurostream.core.layers.Pass;
import io.neurostream.core.rng.Rng;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * dL/dOut = R, so backward(R) must equal the numeric derivative of sum(forward(x) * R) in every
 * input value. Every forward runs in training mode with a generator reset to the same seed, so a
 * dropout mask is the same in each evaluation.
 */
public final class InputGradientCheck {
    private InputGradientCheck() {}

    /** Checks up to {@code maxChecks} input values, evenly spread; returns the largest relative error. */
    public static double check(Layer layer, INDArray input, int maxChecks) {
        long[] outShape = layer.outputShape().withBatch(input.size(0));
        INDArray r = GradientCheck.randomInput(99, outShape);
        forward(layer, input);
        INDArray analytic = layer.backward(r, true).dup();
        long stride = Math.max(1, input.length() / maxChecks);
        double worst = 0;
        for (long i = 0; i < input.length(); i += stride) {
            double original = input.getDouble(i);
            input.putScalar(i, original + GradientCheck.STEP);
            double plus = forward(layer, input).mul(r).sumNumber().doubleValue();
            input.putScalar(i, original - GradientCheck.STEP);
            double minus = forward(layer, input).mul(r).sumNumber().doubleValue();
            input.putScalar(i, original);
            double numeric = (plus - minus) / (2 * GradientCheck.STEP);
            double a = analytic.getDouble(i);
            double diff = Math.abs(a - numeric);
            if (diff > GradientCheck.ABSOLUTE_TOLERANCE) {
                double relative = diff / Math.max(Math.abs(a), Math.abs(numeric));
                worst = Math.max(worst, relative);
                assertTrue(relative < GradientCheck.MAX_RELATIVE_ERROR, layer.describe() + " input #" + i + ": analytic " + a
                        + ", numeric " + numeric + ", relative error " + relative);
            }
        }
        return worst;
    }

    private static INDArray forward(Layer layer, INDArray input) {
        return layer.forward(input, new Pass(true, new Rng(17)));
    }
}
