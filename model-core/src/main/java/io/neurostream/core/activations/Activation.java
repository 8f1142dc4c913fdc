// Element-wise (and row-wise softmax) activation functions with their derivatives, as ND4J ops.
package io.neurostream.core.activations;

import java.util.Arrays;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.LeakyReLU;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.LeakyReLUBp;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.SigmoidDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.SoftmaxBp;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.TanhDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The course's activations: f applied to z. Each backward takes the cached input z and dL/df and
 * writes dL/dz = f'(z) * dL/df (softmax: the Jacobian-vector product along the last axis).
 * Maxout is not element-wise and lives in {@link io.neurostream.core.layers.Maxout}.
 */
public enum Activation {
    IDENTITY,
    /** 1 / (1 + e^-z). */
    SIGMOID,
    /** (e^z - e^-z) / (e^z + e^-z). */
    TANH,
    /** max(0, z). */
    RELU,
    /** z for z > 0, alpha * z otherwise. */
    LEAKY_RELU,
    /** e^z_i / sum_j e^z_j along the last axis. */
    SOFTMAX;

    /** Default slope of leaky ReLU for z < 0. */
    public static final double DEFAULT_LEAKY_ALPHA = 0.01;

    /** out = f(z); out may be z itself only for element-wise functions. */
    public void forward(INDArray z, INDArray out, double alpha) {
        switch (this) {
            case IDENTITY -> out.assign(z);
            case SIGMOID -> Nd4j.exec(new Sigmoid(z, out));
            case TANH -> Nd4j.exec(new Tanh(z, out));
            case RELU -> Nd4j.exec(new RectifiedLinear(z, out, 0.0));
            case LEAKY_RELU -> Nd4j.exec(new LeakyReLU(z, out, alpha));
            case SOFTMAX -> Nd4j.exec(new SoftMax(z, out, z.rank() - 1));
        }
    }

    /** dZ = f'(z) * dOut, with z the input of the forward pass. */
    public void backward(INDArray z, INDArray dOut, INDArray dZ, double alpha) {
        switch (this) {
            case IDENTITY -> dZ.assign(dOut);
            case SIGMOID -> Nd4j.exec(new SigmoidDerivative(z, dOut, dZ));
            case TANH -> Nd4j.exec(new TanhDerivative(z, dOut, dZ));
            case RELU -> Nd4j.exec(new RectifiedLinearDerivative(z, dOut, dZ));
            case LEAKY_RELU -> Nd4j.exec(new LeakyReLUBp(z, dOut, dZ, alpha));
            case SOFTMAX -> Nd4j.exec(new SoftmaxBp(z, dOut, dZ, z.rank() - 1));
        }
    }

    /** Whether ReLU-family initialisation (He) suits units with this activation. */
    public boolean prefersHeInit() {
        return this == RELU || this == LEAKY_RELU;
    }

    /** The spec name: lower case with underscores, e.g. "leaky_relu". */
    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a spec name; null when unknown. */
    public static Activation fromSpecName(String name) {
        return Arrays.stream(values()).filter(a -> a.specName().equals(name)).findFirst().orElse(null);
    }
}
