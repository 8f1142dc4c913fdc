// 2-D convolution over NCHW feature maps (cross-correlation, as in every deep-learning library): out = W * x + b.
package io.neurostream.core.layers;

import io.neurostream.core.params.Init;
import io.neurostream.core.params.ParamSpec;
import io.neurostream.core.params.ParamViews;
import io.neurostream.core.tensor.Buffers;
import io.neurostream.core.tensor.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * out[b, f, i, j] = bias[f] + sum_{c, u, v} W[f, c, u, v] * x[b, c, i*s + u - pad, j*s + v - pad],
 * with x zero outside the image. Padding is explicit (0 = "valid") or "same" (output ceil(H / s);
 * the total padding max((out-1)*s + k - H, 0) is split with the smaller half on top/left, as
 * TensorFlow and libnd4j do). Forward runs libnd4j's {@code conv2d} (oneDNN on the onednn build)
 * through a reused context into a preallocated output.
 *
 * <p>Backward has two variants, chosen by whether the layer below needs dIn. With it, libnd4j's
 * {@code conv2d_bp} (oneDNN). Without it (the first layer), only dW and db, as im2col and one
 * matrix product (Chellapilla et al. 2006): the receptive fields as the columns of col
 * [C*k*k, B*P] (P = oH*oW) with a row of ones below, dOut as dOutT [F, B*P], and one BLAS call on
 * the arrays' memory, [dW | db] = dOutT [col; ones]^T. {@code conv2d_bp} would compute the input
 * gradient anyway: on LeNet-5's first layer it cost 2.4x this. In float32 im2col and the transpose
 * are loops over heap copies; in float64 (the gradient checks) libnd4j's {@code im2col} and ND4J's
 * permuted copies.
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
    private final int fieldSize; // C*k*k: rows of col_b
    private final int positions; // P = oH*oW: columns of col_b
    private final int padTop;    // rows of zeros above the image (the rest of "same" padding goes below)
    private final int padLeft;   // columns of zeros left of it
    private final Init weightInit;
    private final DataType dataType;
    private final Buffers buffers;
    private final NativeOp forwardOp;
    private final NativeOp backwardOp;
    private final NativeOp im2col;
    private final Map<Long, Workspace> workspaces = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Workspace> eldest) {
            return size() > 4; // training and prediction batch sizes alternate
        }
    };
    private INDArray weights;  // [F, C, k, k]
    private INDArray bias;     // [F]
    private INDArray dWeights; // [F, C, k, k]
    private INDArray dWeightRows; // the same memory as [F, C*k*k]
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
        this.fieldSize = channels * kernel * kernel;
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
        // kH, kW, sH, sW, pH, pW, dH, dW, same mode (its output shape check; the padding is explicit)
        this.im2col = new NativeOp("im2col", false, kernel, kernel, stride, stride, padTop, padLeft, 1, 1, same ? 1 : 0);
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
        dWeightRows = dWeights.reshape('c', filters, fieldSize);
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
        if (!needInputGradient) {
            addWeightGradients(dOut);
            return null;
        }
        INDArray dIn = buffers.get("dIn", x.shape());                         // [B, C, H, W]
        INDArray dWeightsBatch = buffers.get("dWeightsBatch", filters, channels, kernel, kernel);
        INDArray dBiasBatch = buffers.get("dBiasBatch", filters);
        backwardOp.input(0, x).input(1, weights).input(2, bias).input(3, dOut)
                .output(0, dIn).output(1, dWeightsBatch).output(2, dBiasBatch).run();
        dWeights.addi(dWeightsBatch);
        dBias.addi(dBiasBatch);
        return dIn;
    }

    /** dW += dOutT col^T and db += the row sums of dOutT, as one matrix product: [dW | db] = dOutT [col; ones]^T. */
    private void addWeightGradients(INDArray dOut) {
        int batch = (int) x.size(0);
        Workspace w = workspaces.computeIfAbsent((long) batch, b -> new Workspace(batch));
        int columns = batch * positions;
        if (w.host) {
            wholeOf(x, w.x).data().asNioFloat().get(0, w.xHeap);
            for (int b = 0; b < batch; b++) {
                im2col(w.xHeap, b, w.colHeap, columns);
            }
            w.col.data().asNioFloat().put(0, w.colHeap);
            wholeOf(dOut, w.dOut).data().asNioFloat().get(0, w.dOutHeap);
            transpose(w.dOutHeap, batch, filters, w.dOutTHeap);
            w.dOutT.data().asNioFloat().put(0, w.dOutTHeap);
        } else {
            im2col.input(0, x).output(0, w.colBySample).run(); // [B, C, k, k, oH, oW]
            w.colFields.assign(w.colBySample.reshape('c', batch, fieldSize, positions).permute(1, 0, 2));
            w.dOutT.assign(dOut.reshape('c', batch, filters, positions).permute(1, 0, 2));
        }
        gemm(false, true, filters, fieldSize + 1, columns, w.dOutTAt, columns, w.colAt, columns, w.dWeightsAndBiasAt, fieldSize + 1);
        dWeightRows.addi(w.dWeightsPart);
        dBias.addi(w.dBiasPart);
    }

    /** float32: t [cols, rows, P] = a [rows, cols, P] with its first two axes swapped (blocks of P values move whole). */
    private void transpose(float[] a, int rows, int cols, float[] t) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                System.arraycopy(a, (r * cols + c) * positions, t, (c * rows + r) * positions, positions);
            }
        }
    }

    /**
     * float32: sample b's receptive fields into col [C*k*k, B*P] (row stride {@code columns}), at
     * columns b*P..(b+1)*P: row (c, u, v) holds x[b, c, i*s + u - padTop, j*s + v - padLeft] over the
     * positions (i, j), 0 outside the image.
     */
    private void im2col(float[] x, int b, float[] col, int columns) {
        int sample = b * channels * height * width;
        for (int c = 0; c < channels; c++) {
            for (int u = 0; u < kernel; u++) {
                for (int v = 0; v < kernel; v++) {
                    int row = ((c * kernel + u) * kernel + v) * columns + b * positions;
                    int jFirst = firstInside(v - padLeft);            // the positions j whose column is inside
                    int jEnd = endInside(v - padLeft, width, outWidth);
                    for (int i = 0; i < outHeight; i++) {
                        int at = row + i * outWidth;
                        int y = i * stride + u - padTop;
                        if (y < 0 || y >= height || jFirst >= jEnd) {
                            Arrays.fill(col, at, at + outWidth, 0f);
                            continue;
                        }
                        int from = sample + (c * height + y) * width + v - padLeft; // x of position j = 0
                        Arrays.fill(col, at, at + jFirst, 0f);
                        if (stride == 1) {
                            System.arraycopy(x, from + jFirst, col, at + jFirst, jEnd - jFirst);
                        } else {
                            for (int j = jFirst; j < jEnd; j++) {
                                col[at + j] = x[from + j * stride];
                            }
                        }
                        Arrays.fill(col, at + jEnd, at + outWidth, 0f);
                    }
                }
            }
        }
    }

    /** The first position j with j*s + offset >= 0. */
    private int firstInside(int offset) {
        return offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    }

    /** One past the last position j < outSize with j*s + offset < size. */
    private int endInside(int offset, int size, int outSize) {
        int last = size - 1 - offset; // j*s <= last
        return last < 0 ? 0 : Math.min(outSize, last / stride + 1);
    }

    /** C [m, n] = op(A) op(B), row-major, A [m, k] and B [k, n] (or B^T with transB): one BLAS call on the arrays' memory. */
    private void gemm(boolean transA, boolean transB, int m, int n, int k, Pointer a, int lda, Pointer b, int ldb, Pointer c, int ldc) {
        int opA = transA ? openblas.CblasTrans : openblas.CblasNoTrans;
        int opB = transB ? openblas.CblasTrans : openblas.CblasNoTrans;
        if (dataType == DataType.FLOAT) {
            openblas.cblas_sgemm(openblas.CblasRowMajor, opA, opB, m, n, k, 1f, (FloatPointer) a, lda, (FloatPointer) b, ldb, 0f,
                    (FloatPointer) c, ldc);
        } else {
            openblas.cblas_dgemm(openblas.CblasRowMajor, opA, opB, m, n, k, 1, (DoublePointer) a, lda, (DoublePointer) b, ldb, 0,
                    (DoublePointer) c, ldc);
        }
    }

    /** A pointer to the first value of a whole array. */
    private Pointer pointer(INDArray a) {
        Pointer address = a.data().addressPointer();
        return dataType == DataType.FLOAT ? new FloatPointer(address) : new DoublePointer(address);
    }

    private INDArray zeros(long... shape) {
        return Nd4j.zeros(dataType, shape);
    }

    /** The array itself when it is all of its buffer in 'c' order (BLAS and bulk copies read its memory from value 0), else its copy in {@code copy}. */
    private static INDArray wholeOf(INDArray a, INDArray copy) {
        boolean whole = a.offset() == 0 && a.length() == a.data().length() && a.ordering() == 'c'
                && org.nd4j.linalg.api.shape.Shape.hasDefaultStridesForShape(a);
        return whole ? a : copy.assign(a);
    }

    /** The arrays of the weight-gradient product at one batch size. */
    private final class Workspace {
        final boolean host;             // float32: im2col and the transpose as loops over heap copies
        final INDArray col;             // receptive fields of every sample, and a row of ones [C*k*k + 1, B, P]
        final INDArray colFields;       // its first C*k*k rows [C*k*k, B, P]
        final INDArray colBySample;     // float64: libnd4j's im2col output [B, C, k, k, oH, oW]
        final INDArray dOutT;           // [F, B, P]
        final INDArray dWeightsAndBias; // [dW | db] of the batch [F, C*k*k + 1]
        final INDArray dWeightsPart;    // [F, C*k*k]
        final INDArray dBiasPart;       // [F]
        final INDArray x;               // float32: a whole copy of an input that is a view [B, C, H, W]
        final INDArray dOut;            // float32: a whole copy of a dOut that is a view [B, F, oH, oW]
        final float[] xHeap;            // float32 [B*C*H*W]
        final float[] colHeap;          // float32: col without the ones [C*k*k * B*P]
        final float[] dOutHeap;         // float32 [B*F*P]
        final float[] dOutTHeap;        // float32 [F*B*P]
        final Pointer colAt;
        final Pointer dOutTAt;
        final Pointer dWeightsAndBiasAt;

        Workspace(int batch) {
            host = dataType == DataType.FLOAT;
            col = zeros(fieldSize + 1, batch, positions);
            col.get(NDArrayIndex.point(fieldSize), NDArrayIndex.all(), NDArrayIndex.all()).assign(1);
            colFields = col.get(NDArrayIndex.interval(0, fieldSize), NDArrayIndex.all(), NDArrayIndex.all());
            colBySample = host ? null : zeros(batch, channels, kernel, kernel, outHeight, outWidth);
            dOutT = zeros(filters, batch, positions);
            dWeightsAndBias = zeros(filters, fieldSize + 1);
            dWeightsPart = dWeightsAndBias.get(NDArrayIndex.all(), NDArrayIndex.interval(0, fieldSize));
            dBiasPart = dWeightsAndBias.get(NDArrayIndex.all(), NDArrayIndex.point(fieldSize));
            x = host ? zeros(batch, channels, height, width) : null;
            dOut = host ? zeros(batch, filters, outHeight, outWidth) : null;
            xHeap = host ? new float[batch * channels * height * width] : null;
            colHeap = host ? new float[fieldSize * batch * positions] : null;
            dOutHeap = host ? new float[batch * filters * positions] : null;
            dOutTHeap = host ? new float[batch * filters * positions] : null;
            colAt = pointer(col);
            dOutTAt = pointer(dOutT);
            dWeightsAndBiasAt = pointer(dWeightsAndBias);
        }
    }
}
