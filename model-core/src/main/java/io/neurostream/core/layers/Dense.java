// Fully connected layer: out = x W + b, with W [in, out] and b [out].
package io.neurostream.core.layers;

import io.neurostream.core.params.Init;
import io.neurostream.core.params.ParamSpec;
import io.neurostream.core.params.ParamViews;
import io.neurostream.core.tensor.Blas;
import io.neurostream.core.tensor.Buffers;
import io.neurostream.core.tensor.HostCopy;
import io.neurostream.core.tensor.Shape;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A dense layer on [B, in] inputs; a [B, C, H, W] (or any) input is flattened to [B, C*H*W]. Forward is y = 1 b, then y += x W;
 * backward is dW += x^T dOut, db += 1^T dOut and, unless this is the first layer,
 * dIn = dOut W^T: each one BLAS call on the arrays' memory ({@link Blas}), in both data types, into reused buffers (through
 * ND4J, the dispatch of each small product or sum costs more than its arithmetic). A fixed bias (the course's worked
 * example) is never updated.
 *
 * <p>Beside the array variant, the same forward and backward as loops over float32 rows on the
 * Java heap (the heap engine of small networks, where ND4J's ~10 µs per op outweighs the
 * arithmetic): W as its {@code in} rows of {@code out}, a batch as one array per sample. Every
 * array a loop touches is read at the same index, so the JIT vectorises it; the loops run over
 * input units outermost, four rows at a time, so each weight row is loaded once per batch, and
 * inputs of exactly 0 (most MNIST pixels) are skipped.
 */
public final class Dense implements Layer {
    private final int in;
    private final int out;
    private final Init weightInit;
    private final boolean fixedBias;
    private final DataType dataType;
    private final Buffers buffers;
    private INDArray ones;     // [>= B] of 1
    private INDArray weights;  // [in, out]
    private INDArray bias;     // [out]
    private INDArray dWeights; // [in, out]
    private INDArray dBias;    // [out]
    private INDArray x;        // cached input [B, ...], contiguous: read as [B, in]
    private long[] inputShape; // [B, ...] as given, to shape dIn like the input

    public Dense(int in, int out, Init weightInit, boolean fixedBias, DataType dataType) {
        this.in = in;
        this.out = out;
        this.weightInit = weightInit;
        this.fixedBias = fixedBias;
        this.dataType = dataType;
        this.buffers = new Buffers(dataType);
    }

    /** Inputs per sample (after flattening). */
    public int inputs() {
        return in;
    }

    public int units() {
        return out;
    }

    /** Whether the bias is held fixed (never updated). */
    public boolean fixedBias() {
        return fixedBias;
    }

    @Override
    public String describe() {
        return "dense(" + in + "->" + out + ")";
    }

    @Override
    public Shape outputShape() {
        return Shape.of(out);
    }

    @Override
    public List<ParamSpec> params() {
        return List.of(ParamSpec.weight("W", weightInit, in, out, in, out), ParamSpec.bias("b", out));
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
        inputShape = input.shape();
        int batch = Math.toIntExact(input.size(0));
        boolean direct = HostCopy.contiguous(input) && input.dataType() == dataType;
        x = direct ? input : buffers.get("x", inputShape).assign(input); // read as [B, in]
        INDArray y = buffers.get("out", batch, out); // [B, out]
        Pointer yAt = Blas.pointer(y);
        Blas.gemm(dataType, false, false, batch, out, 1, 1, ones(batch), 1, Blas.pointer(bias), out, 0, yAt, out); // y = 1 b
        Blas.gemm(dataType, false, false, batch, out, in, 1, Blas.pointer(x), in, Blas.pointer(weights), out, 1, yAt, out);
        return y;
    }

    @Override
    public INDArray backward(INDArray dOut, boolean needInputGradient) {
        int batch = Math.toIntExact(dOut.size(0));
        boolean direct = HostCopy.contiguous(dOut) && dOut.dataType() == dataType;
        INDArray g = direct ? dOut : buffers.get("dOut", batch, out).assign(dOut); // [B, out]
        Pointer gAt = Blas.pointer(g);
        Blas.gemm(dataType, true, false, in, out, batch, 1, Blas.pointer(x), in, gAt, out, 1, Blas.pointer(dWeights), out);
        if (!fixedBias) {
            Blas.gemm(dataType, false, false, 1, out, batch, 1, ones(batch), batch, gAt, out, 1, Blas.pointer(dBias), out);
        }
        if (!needInputGradient) {
            return null;
        }
        INDArray dIn = buffers.get("dIn", batch, in); // [B, in]
        Blas.gemm(dataType, false, true, batch, in, out, 1, gAt, out, Blas.pointer(weights), out, 0, Blas.pointer(dIn), in);
        return inputShape.length == 2 ? dIn : dIn.reshape('c', inputShape);
    }

    /** A vector of at least {@code batch} ones: the bias as a product (y = 1 b) and its gradient (db += 1^T dOut). */
    private Pointer ones(int batch) {
        if (ones == null || ones.length() < batch) {
            ones = Nd4j.ones(dataType, batch);
        }
        return Blas.pointer(ones);
    }

    /**
     * Row variant of {@link #forward(INDArray, Pass)}: y[b] = bias + Σ_i x[b][i] W[i] for the first
     * {@code batch} rows, with W's rows at {@code w[at .. at + in)} and the bias at {@code w[at + in]}.
     */
    public void forward(float[][] x, int batch, float[][] w, int at, float[][] y) {
        float[] b0 = w[at + in];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(b0, 0, y[b], 0, out);
        }
        int i = 0;
        for (; i + 4 <= in; i += 4) { // four weight rows at a time, each loaded once per batch
            float[] w0 = w[at + i];
            float[] w1 = w[at + i + 1];
            float[] w2 = w[at + i + 2];
            float[] w3 = w[at + i + 3];
            for (int b = 0; b < batch; b++) {
                float[] xb = x[b];
                if (xb[i] != 0f || xb[i + 1] != 0f || xb[i + 2] != 0f || xb[i + 3] != 0f) {
                    axpy4(xb[i], w0, xb[i + 1], w1, xb[i + 2], w2, xb[i + 3], w3, y[b]);
                }
            }
        }
        for (; i < in; i++) {
            float[] wi = w[at + i];
            for (int b = 0; b < batch; b++) {
                if (x[b][i] != 0f) {
                    axpy(x[b][i], wi, y[b]);
                }
            }
        }
    }

    /**
     * Row variant of {@link #backward(INDArray, boolean)} for the rows of the last row forward:
     * adds dW and db into the gradient rows {@code g} (laid out as {@code w}) and writes dIn into
     * {@code dx} unless it is null.
     */
    public void backward(float[][] x, float[][] dy, int batch, float[][] w, float[][] g, int at, float[][] dx) {
        if (!fixedBias) {
            float[] db = g[at + in];
            for (int b = 0; b < batch; b++) {
                axpy(1f, dy[b], db);
            }
        }
        for (int i = 0; i < in; i++) {
            float[] dwi = g[at + i];
            int b = 0;
            for (; b + 4 <= batch; b += 4) { // four samples at a time: one pass over the gradient row
                float a0 = x[b][i];
                float a1 = x[b + 1][i];
                float a2 = x[b + 2][i];
                float a3 = x[b + 3][i];
                if (a0 != 0f || a1 != 0f || a2 != 0f || a3 != 0f) {
                    axpy4(a0, dy[b], a1, dy[b + 1], a2, dy[b + 2], a3, dy[b + 3], dwi);
                }
            }
            for (; b < batch; b++) {
                if (x[b][i] != 0f) {
                    axpy(x[b][i], dy[b], dwi);
                }
            }
            if (dx != null) {
                float[] wi = w[at + i];
                for (int s = 0; s < batch; s++) {
                    dx[s][i] = dot(dy[s], wi);
                }
            }
        }
    }

    /** y += a x. */
    private static void axpy(float a, float[] x, float[] y) {
        for (int j = 0; j < y.length; j++) {
            y[j] += a * x[j];
        }
    }

    /** y += a0 x0 + a1 x1 + a2 x2 + a3 x3: one pass over y for four rows (the JIT's vector loops are bound by loads and stores). */
    private static void axpy4(float a0, float[] x0, float a1, float[] x1, float a2, float[] x2, float a3, float[] x3, float[] y) {
        for (int j = 0; j < y.length; j++) {
            y[j] += a0 * x0[j] + a1 * x1[j] + a2 * x2[j] + a3 * x3[j];
        }
    }

    /** Σ x_j y_j, in index order. */
    private static float dot(float[] x, float[] y) {
        float sum = 0;
        for (int j = 0; j < x.length; j++) {
            sum += x[j] * y[j];
        }
        return sum;
    }
}
