// Fully connected layer: out = x W + b, with W [in, out] and b [out].
package io.neurostream.core.layers;

import io.neurostream.core.params.Init;
import io.neurostream.core.params.ParamSpec;
import io.neurostream.core.params.ParamViews;
import io.neurostream.core.tensor.Buffers;
import io.neurostream.core.tensor.Shape;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BiasAdd;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A dense layer on [B, in] inputs; a [B, C, H, W] (or any) input is flattened to [B, C*H*W]. Forward is one GEMM into a reused buffer plus a bias add;
 * backward is dW += x^T dOut, db += sum_B dOut and, unless this is the first layer,
 * dIn = dOut W^T. A fixed bias (the course's worked example) is never updated.
 */
public final class Dense implements Layer {
    private final int in;
    private final int out;
    private final Init weightInit;
    private final boolean fixedBias;
    private final Buffers buffers;
    private INDArray weights;  // [in, out]
    private INDArray bias;     // [out]
    private INDArray dWeights; // [in, out]
    private INDArray dBias;    // [out]
    private INDArray x;        // cached input, flattened [B, in]
    private long[] inputShape; // [B, ...] as given, to shape dIn like the input

    public Dense(int in, int out, Init weightInit, boolean fixedBias, DataType dataType) {
        this.in = in;
        this.out = out;
        this.weightInit = weightInit;
        this.fixedBias = fixedBias;
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
        x = input.rank() == 2 ? input : input.reshape('c', input.size(0), in);
        INDArray y = buffers.get("out", input.size(0), out); // [B, out]
        Nd4j.gemm(x, weights, y, false, false, 1.0, 0.0);
        Nd4j.exec(new BiasAdd(y, bias, y, false));
        return y;
    }

    @Override
    public INDArray backward(INDArray dOut, boolean needInputGradient) {
        Nd4j.gemm(x, dOut, dWeights, true, false, 1.0, 1.0);
        if (!fixedBias) {
            INDArray batchSum = buffers.get("dBiasBatch", out); // [out]
            dOut.sum(batchSum, 0);
            dBias.addi(batchSum);
        }
        if (!needInputGradient) {
            return null;
        }
        INDArray dIn = buffers.get("dIn", dOut.size(0), in); // [B, in]
        Nd4j.gemm(dOut, weights, dIn, false, true, 1.0, 0.0);
        return inputShape.length == 2 ? dIn : dIn.reshape('c', inputShape);
    }
}
