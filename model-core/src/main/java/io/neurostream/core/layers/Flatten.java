// Flattens [B, C, H, W] (or any [B, ...]) to [B, C*H*W], in C order.
package io.neurostream.core.layers;

import io.neurostream.core.tensor.Shape;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A reshape both ways; no copy when the input is contiguous. */
public final class Flatten implements Layer {
    private final int size;
    private long[] inputShape; // [B, ...] of the last forward

    public Flatten(Shape input) {
        this.size = input.size();
    }

    @Override
    public String describe() {
        return "flatten(" + size + ")";
    }

    @Override
    public Shape outputShape() {
        return Shape.of(size);
    }

    @Override
    public INDArray forward(INDArray input, Pass pass) {
        inputShape = input.shape();
        return input.reshape('c', input.size(0), size);
    }

    @Override
    public INDArray backward(INDArray dOut, boolean needInputGradient) {
        return needInputGradient ? dOut.reshape('c', inputShape) : null;
    }
}
