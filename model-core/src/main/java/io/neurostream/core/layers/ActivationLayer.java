// Applies an activation function; caches its input z for the derivative.
package io.neurostream.core.layers;

import io.neurostream.core.activations.Activation;
import io.neurostream.core.tensor.Buffers;
import io.neurostream.core.tensor.Shape;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** f(z) for one of the {@link Activation}s; shape-preserving. */
public final class ActivationLayer implements Layer {
    private final Activation activation;
    private final double alpha;
    private final Shape shape;
    private final Buffers buffers;
    private INDArray z; // cached input [B, ...shape]

    public ActivationLayer(Activation activation, double alpha, Shape shape, DataType dataType) {
        this.activation = activation;
        this.alpha = alpha;
        this.shape = shape;
        this.buffers = new Buffers(dataType);
    }

    public Activation activation() {
        return activation;
    }

    /** The slope of leaky ReLU for z < 0. */
    public double alpha() {
        return alpha;
    }

    /** The input z of the last forward pass (the logits, for a loss that fuses with this activation). */
    public INDArray lastInput() {
        return z;
    }

    @Override
    public String describe() {
        return activation.specName();
    }

    @Override
    public Shape outputShape() {
        return shape;
    }

    @Override
    public INDArray forward(INDArray input, Pass pass) {
        z = input;
        if (activation == Activation.IDENTITY) {
            return input;
        }
        INDArray out = buffers.get("out", input.shape());
        activation.forward(input, out, alpha);
        return out;
    }

    @Override
    public INDArray backward(INDArray dOut, boolean needInputGradient) {
        if (!needInputGradient || activation == Activation.IDENTITY) {
            return needInputGradient ? dOut : null;
        }
        INDArray dIn = buffers.get("dIn", dOut.shape());
        activation.backward(z, dOut, dIn, alpha);
        return dIn;
    }
}
