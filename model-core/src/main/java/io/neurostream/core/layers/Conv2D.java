// 2-D convolution over NCHW feature maps (cross-correlation, as in every deep-learning library): out = W * x + b.
package io.neurostream.core.layers;

import io.neurostream.core.params.Init;
import io.neurostream.core.params.ParamSpec;
import io.neurostream.core.params.ParamViews;
import io.neurostream.core.tensor.Buffers;
import io.neurostream.core.tensor.Shape;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * out[b, f, i, j] = bias[f] + sum_{c, u, v} W[f, c, u, v] * x[b, c, i*s + u - pad, j*s + v - pad],
 * with x zero outside the image. Padding is explicit (0 = "valid") or "same" (output ceil(H / s);
 * the total padding max((out-1)*s + k - H, 0) is split with the smaller half on top/left, as
 * TensorFlow and libnd4j do). Runs libnd4j's {@code conv2d} / {@code conv2d_bp} custom ops
 * (oneDNN on the onednn build) through reused contexts into preallocated outputs.
 * {@code conv2d_bp} always computes dIn, so the first layer pays for an input gradient it drops.
 */
public final class Conv2D implements Layer {
    /** Padding value meaning "same". */
    public static final int SAME = -1;

    private final int channels;
    private final int height;
    private final int width;
    private final int filters;
    private final int kernel;
    private final int stride;
    private final int padding; // >= 0 explicit, or SAME
    private final int outHeight;
    private final int outWidth;
    private final Init weightInit;
    private final Buffers buffers;
    private final NativeOp forwardOp;
    private final NativeOp backwardOp;
    private INDArray weights;  // [F, C, k, k]
    private INDArray bias;     // [F]
    private INDArray dWeights; // [F, C, k, k]
    private INDArray dBias;    // [F]
    private INDArray x;        // cached input [B, C, H, W]

    public Conv2D(Shape input, int filters, int kernel, int stride, int padding, Init weightInit, DataType dataType) {
        if (input.rank() != 3) {
            throw new IllegalArgumentException("conv2d needs [C, H, W] input, got " + input);
        }
        if (filters < 1 || kernel < 1 || stride < 1 || padding < SAME) {
            throw new IllegalArgumentException("conv2d: filters, kernel and stride must be >= 1 and padding >= 0 or SAME, got "
                    + filters + ", " + kernel + ", " + stride + ", " + padding);
        }
        this.channels = input.dim(0);
        this.height = input.dim(1);
        this.width = input.dim(2);
        this.filters = filters;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.outHeight = outputSize(height, kernel, stride, padding);
        this.outWidth = outputSize(width, kernel, stride, padding);
        if (outHeight < 1 || outWidth < 1) {
            throw new IllegalArgumentException("conv2d: a " + kernel + "x" + kernel + " kernel with padding " + padding
                    + " does not fit a " + height + "x" + width + " input");
        }
        this.weightInit = weightInit;
        this.buffers = new Buffers(dataType);
        boolean same = padding == SAME;
        long pad = same ? 0 : padding;
        // kH, kW, sH, sW, pH, pW, dH, dW, same mode, data format 0 = NCHW, weight format 1 = [oC, iC, kH, kW]
        long[] args = {kernel, kernel, stride, stride, pad, pad, 1, 1, same ? 1 : 0, 0, 1};
        this.forwardOp = new NativeOp("conv2d", true, args);
        this.backwardOp = new NativeOp("conv2d_bp", true, args);
    }

    /** One side of the output map: ceil(n / s) for "same", else floor((n + 2p - k) / s) + 1. */
    public static int outputSize(int n, int kernel, int stride, int padding) {
        if (padding == SAME) {
            return (n + stride - 1) / stride;
        }
        return Math.floorDiv(n + 2 * padding - kernel, stride) + 1;
    }

    @Override
    public String describe() {
        return "conv2d(" + channels + "x" + height + "x" + width + " -> " + filters + "x" + outHeight + "x" + outWidth
                + ", k" + kernel + " s" + stride + " p" + (padding == SAME ? "same" : Integer.toString(padding)) + ")";
    }

    @Override
    public Shape outputShape() {
        return Shape.of(filters, outHeight, outWidth);
    }

    @Override
    public List<ParamSpec> params() {
        int fanIn = channels * kernel * kernel;
        int fanOut = filters * kernel * kernel;
        return List.of(ParamSpec.weight("W", weightInit, fanIn, fanOut, filters, channels, kernel, kernel),
                ParamSpec.bias("b", filters));
    }

    @Override
    public void bind(ParamViews views) {
        weights = views.value("W");
        bias = views.value("b");
        dWeights = views.gradient("W");
        dBias = views.gradient("b");
    }

    @Override
    public INDArray forward(INDArray input, Pass pass) {
        x = input;
        INDArray out = buffers.get("out", input.size(0), filters, outHeight, outWidth); // [B, F, oH, oW]
        forwardOp.input(0, x).input(1, weights).input(2, bias).output(0, out).run();
        return out;
    }

    @Override
    public INDArray backward(INDArray dOut, boolean needInputGradient) {
        INDArray dIn = buffers.get("dIn", x.shape());                         // [B, C, H, W]
        INDArray dWeightsBatch = buffers.get("dWeightsBatch", filters, channels, kernel, kernel);
        INDArray dBiasBatch = buffers.get("dBiasBatch", filters);
        backwardOp.input(0, x).input(1, weights).input(2, bias).input(3, dOut)
                .output(0, dIn).output(1, dWeightsBatch).output(2, dBiasBatch).run();
        dWeights.addi(dWeightsBatch);
        dBias.addi(dBiasBatch);
        return needInputGradient ? dIn : null;
    }
}
