// Flattens [B, C, H, W] (or any [B, ...]) to [B, C*H*W], in C order.
package io.neurostream.core.layers;

import io.neurostream.core.tensor.HostCopy;
import io.neurostream.core.tensor.Shape;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A reshape both ways; no copy when the input is contiguous. The layers before and after hand over
 * the same reused arrays step after step, so the last reshape of each (a view) is kept and handed
 * out again for the same array (an ND4J reshape costs more than a small dense layer's arithmetic).
 */
public final class Flatten implements Layer {
    private final int size;
    private long[] inputShape; // [B, ...] of the last forward
    private INDArray lastInput;
    private INDArray lastOutput;   // lastInput as [B, size]
    private INDArray lastDOut;
    private INDArray lastDIn;      // lastDOut as [B, ...]

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
        if (input != lastInput) {
            lastOutput = input.reshape('c', input.size(0), size);
            lastInput = HostCopy.contiguous(input) ? input : null; // else the reshape was a copy, good for this call only
        }
        return lastOutput;
    }

    @Override
    public INDArray backward(INDArray dOut, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        if (dOut != lastDOut || !Arrays.equals(lastDIn.shape(), inputShape)) {
            lastDIn = dOut.reshape('c', inputShape);
            lastDOut = HostCopy.contiguous(dOut) ? dOut : null;
        }
        return lastDIn;
    }
}
