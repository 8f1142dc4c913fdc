// Max pooling over NCHW feature maps: each output is the largest value of its window; the gradient goes to that value.
package io.neurostream.core.layers;

import io.neurostream.core.tensor.Buffers;
import io.neurostream.core.tensor.Shape;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * out[b, c, i, j] = max_{u, v < window} x[b, c, i*s + u, j*s + v], no padding ("valid"): the
 * output side is floor((n - window) / s) + 1. libnd4j's {@code maxpool2d} / {@code maxpool2d_bp}
 * with platform helpers off: on the onednn build oneDNN pooling is 3-9x slower (DESIGN.md §2).
 */
public final class MaxPool2D implements Layer {
    private final int channels;
    private final int outHeight;
    private final int outWidth;
    private final int window;
    private final int stride;
    private final Buffers buffers;
    private final NativeOp forwardOp;
    private final NativeOp backwardOp;
    private INDArray x; // cached input [B, C, H, W]

    public MaxPool2D(Shape input, int window, int stride, DataType dataType) {
        if (input.rank() != 3) {
            throw new IllegalArgumentException("max_pool2d needs [C, H, W] input, got " + input);
        }
        if (window < 1 || stride < 1 || window > input.dim(1) || window > input.dim(2)) {
            throw new IllegalArgumentException("max_pool2d: window " + window + " and stride " + stride + " do not fit input " + input);
        }
        this.channels = input.dim(0);
        this.outHeight = (input.dim(1) - window) / stride + 1;
        this.outWidth = (input.dim(2) - window) / stride + 1;
        this.window = window;
        this.stride = stride;
        this.buffers = new Buffers(dataType);
        // kH, kW, sH, sW, pH, pW, dH, dW, same mode, extra (unused by max), data format 0 = NCHW
        long[] args = {window, window, stride, stride, 0, 0, 1, 1, 0, 0, 0};
        this.forwardOp = new NativeOp("maxpool2d", false, args);
        this.backwardOp = new NativeOp("maxpool2d_bp", false, args);
    }

    @Override
    public String describe() {
        return "max_pool2d(" + window + ", s" + stride + " -> " + channels + "x" + outHeight + "x" + outWidth + ")";
    }

    @Override
    public Shape outputShape() {
        return Shape.of(channels, outHeight, outWidth);
    }

    @Override
    public INDArray forward(INDArray input, Pass pass) {
        x = input;
        INDArray out = buffers.get("out", input.size(0), channels, outHeight, outWidth); // [B, C, oH, oW]
        forwardOp.input(0, x).output(0, out).run();
        return out;
    }

    @Override
    public INDArray backward(INDArray dOut, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        INDArray dIn = buffers.get("dIn", x.shape()); // [B, C, H, W]
        backwardOp.input(0, x).input(1, dOut).output(0, dIn).run();
        return dIn;
    }
}
