// 2-D convolution over NCHW feature maps (cross-correlation, as in every deep-learning library): out = W * x + b.
package io.neurostream.core.layers;

import io.neurostream.core.params.Init;
import io.neurostream.core.params.ParamSpec;
import io.neurostream.core.params.ParamViews;
import io.neurostream.core.tensor.Blas;
import io.neurostream.core.tensor.Buffers;
import io.neurostream.core.tensor.HostCopy;
import io.neurostream.core.tensor.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * out[b, f, i, j] = bias[f] + sum_{c, u, v} W[f, c, u, v] * x[b, c, i*s + u - pad, j*s + v - pad],
 * with x zero outside the image. Padding is explicit (0 = "valid") or "same" (output ceil(H / s);
 * the total padding max((out-1)*s + k - H, 0) is split with the smaller half on top/left, as
 * TensorFlow and libnd4j do). Forward runs libnd4j's {@code conv2d} (oneDNN on the onednn build)
 * through a reused context into a preallocated output.
 *
 * <p>Backward has two variants, chosen by the data type. float64 (the gradient checks) is the
 * reference, libnd4j's {@code conv2d_bp}. float32 (training) asks oneDNN for what is needed and
 * no more, as two forward-style convolutions (faster than {@code conv2d_bp} on LeNet-5's layers and
 * far faster on a first layer, which needs no dIn; a little slower on mnist-cnn's second):
 * dW[f, c, u, v] = sum_{b, i, j} dOut[b, f, i, j] x[b, c, i + u - pad, j + v - pad] is a
 * convolution of x with its batch axis as channels, [C, B, H, W], by dOut as C-to-F weights
 * [F, B, oH, oW], giving [C, F, k, k] (the two axis swaps are block copies on the heap); and dIn,
 * only when the layer below needs it, is the transposed convolution ({@code deconv2d}) of dOut by
 * W. db is dOut summed over all but its channel axis (one BLAS call). That needs stride 1 and the
 * same padding on both sides (explicit, or "same" with an odd kernel); otherwise float32 runs
 * {@code conv2d_bp} too (oneDNN refuses the dilated convolution that dW would be at stride 2).
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
    private final int positions; // P = oH*oW
    private final int padTop;    // rows of zeros above the image (the rest of "same" padding goes below)
    private final int padLeft;   // columns of zeros left of it
    private final Init weightInit;
    private final DataType dataType;
    private final Buffers buffers;
    private final NativeOp forwardOp;
    private final NativeOp backwardOp;
    private final NativeOp weightGradientOp; // float32: x^T [C, B, H, W] convolved by dOut^T [F, B, oH, oW] -> [C, F, k, k]
    private final NativeOp inputGradientOp;  // float32: deconv2d of dOut by W -> [B, C, H, W]
    private final boolean tiles;             // float32: whether the two above apply (stride 1, padding the same on both sides)
    private final Map<Long, Workspace> workspaces = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Workspace> eldest) {
            return size() > 4; // training and prediction batch sizes alternate
        }
    };
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
        this.positions = outHeight * outWidth;
        this.weightInit = weightInit;
        this.dataType = dataType;
        this.buffers = new Buffers(dataType);
        // top and left padding; the bottom and right rest is implied by the output size
        this.padTop = padding == SAME ? Math.max((outHeight - 1) * stride + kernel - height, 0) / 2 : padding;
        this.padLeft = padding == SAME ? Math.max((outWidth - 1) * stride + kernel - width, 0) / 2 : padding;
        boolean same = padding == SAME;
        long pad = same ? 0 : padding;
        // kH, kW, sH, sW, pH, pW, dH, dW, same mode, data format 0 = NCHW, weight format 1 = [oC, iC, kH, kW]
        long[] args = {kernel, kernel, stride, stride, pad, pad, 1, 1, same ? 1 : 0, 0, 1};
        this.forwardOp = new NativeOp("conv2d", true, args);
        this.backwardOp = new NativeOp("conv2d_bp", true, args);
        this.tiles = stride == 1 && outHeight + kernel - 1 - 2 * padTop == height && outWidth + kernel - 1 - 2 * padLeft == width;
        this.weightGradientOp = new NativeOp("conv2d", true, outHeight, outWidth, 1, 1, padTop, padLeft, 1, 1, 0, 0, 1);
        // deconv2d's weight format 1 is [iC, oC, kH, kW]: its input channels are the filters, so W as it is
        this.inputGradientOp = new NativeOp("deconv2d", true, kernel, kernel, stride, stride, padTop, padLeft, 1, 1, 0, 0, 1);
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
        if (dataType != DataType.FLOAT || !tiles) {
            return referenceBackward(dOut, needInputGradient);
        }
        int batch = (int) x.size(0);
        Workspace w = workspaces.computeIfAbsent((long) batch, b -> new Workspace(batch));
        int field = kernel * kernel;
        HostCopy.read(x, w.x);
        swapFirstAxes(w.x, batch, channels, height * width, w.xT);
        HostCopy.write(w.xT, w.xTArray);
        HostCopy.read(dOut, w.dOut);
        swapFirstAxes(w.dOut, batch, filters, positions, w.dOutT);
        HostCopy.write(w.dOutT, w.dOutTArray);
        weightGradientOp.input(0, w.xTArray).input(1, w.dOutTArray).output(0, w.dWeightsTArray).run();
        HostCopy.read(w.dWeightsTArray, w.dWeightsT);
        HostCopy.read(dWeights, w.dWeights);
        for (int c = 0; c < channels; c++) { // dW [F, C, k, k] += the [C, F, k, k] product with its first two axes swapped
            for (int f = 0; f < filters; f++) {
                int to = (f * channels + c) * field;
                int from = (c * filters + f) * field;
                for (int i = 0; i < field; i++) {
                    w.dWeights[to + i] += w.dWeightsT[from + i];
                }
            }
        }
        HostCopy.write(w.dWeights, dWeights);
        Blas.gemm(DataType.FLOAT, false, false, filters, 1, batch * positions, 1, Blas.pointer(w.dOutTArray), batch * positions, w.onesAt,
                1, 1, Blas.pointer(dBias), 1);
        if (!needInputGradient) {
            return null;
        }
        INDArray dIn = buffers.get("dIn", x.shape()); // [B, C, H, W]
        inputGradientOp.input(0, dOut).input(1, weights).output(0, dIn).run();
        return dIn;
    }

    /** t [cols, rows, block] = a [rows, cols, block] with its first two axes swapped (blocks move whole). */
    private static void swapFirstAxes(float[] a, int rows, int cols, int block, float[] t) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                System.arraycopy(a, (r * cols + c) * block, t, (c * rows + r) * block, block);
            }
        }
    }

    /** libnd4j's conv2d_bp (it computes dIn even when it is not needed). */
    private INDArray referenceBackward(INDArray dOut, boolean needInputGradient) {
        INDArray dIn = buffers.get("dIn", x.shape());                         // [B, C, H, W]
        INDArray dWeightsBatch = buffers.get("dWeightsBatch", filters, channels, kernel, kernel);
        INDArray dBiasBatch = buffers.get("dBiasBatch", filters);
        backwardOp.input(0, x).input(1, weights).input(2, bias).input(3, dOut)
                .output(0, dIn).output(1, dWeightsBatch).output(2, dBiasBatch).run();
        dWeights.addi(dWeightsBatch);
        dBias.addi(dBiasBatch);
        return needInputGradient ? dIn : null;
    }

    /** float32: the arrays of the backward pass at one batch size. */
    private final class Workspace {
        final float[] x;               // [B, C, H, W]
        final float[] xT;              // its first two axes swapped [C, B, H, W]
        final float[] dOut;            // [B, F, oH, oW]
        final float[] dOutT;           // [F, B, oH, oW]
        final float[] dWeightsT;       // the product [C, F, k, k]
        final float[] dWeights;        // [F, C, k, k]
        final INDArray xTArray;        // where oneDNN reads and writes them
        final INDArray dOutTArray;
        final INDArray dWeightsTArray;
        final INDArray ones;           // [B*P] of 1
        final Pointer onesAt;

        Workspace(int batch) {
            x = new float[batch * channels * height * width];
            xT = new float[x.length];
            dOut = new float[batch * filters * positions];
            dOutT = new float[dOut.length];
            dWeightsT = new float[channels * filters * kernel * kernel];
            dWeights = new float[dWeightsT.length];
            xTArray = Nd4j.create(DataType.FLOAT, channels, batch, height, width);
            dOutTArray = Nd4j.create(DataType.FLOAT, filters, batch, outHeight, outWidth);
            dWeightsTArray = Nd4j.create(DataType.FLOAT, channels, filters, kernel, kernel);
            ones = Nd4j.ones(DataType.FLOAT, (long) batch * positions);
            onesAt = Blas.pointer(ones);
        }
    }
}
