// How a parameter's initial values are drawn: Glorot & Bengio (2010) "Xavier", He et al. (2015), or constants.
package io.neurostream.core.params;

import io.neurostream.core.rng.Rng;

/** Initialisation schemes. Fan-in and fan-out come from the {@link ParamSpec}. */
public enum Init {
    /** All zeros (biases, BatchNorm shift, running means). */
    ZEROS,
    /** All ones (BatchNorm scale, running variances). */
    ONES,
    /** Uniform in ±sqrt(6 / (fanIn + fanOut)): for sigmoid, tanh, softmax and linear units. */
    XAVIER,
    /** Normal with standard deviation sqrt(2 / fanIn): for ReLU-family units. */
    HE;

    /** Draws one value; the call order fixes the model's initial weights for a seed. */
    public double draw(Rng rng, int fanIn, int fanOut) {
        return switch (this) {
            case ZEROS -> 0.0;
            case ONES -> 1.0;
            case XAVIER -> {
                double limit = Math.sqrt(6.0 / (fanIn + fanOut));
                yield (2.0 * rng.nextDouble() - 1.0) * limit;
            }
            case HE -> rng.nextGaussian() * Math.sqrt(2.0 / fanIn);
        };
    }
}
