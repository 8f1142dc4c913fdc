// Applies a row-wise layer (a dense layer) to every time step: [B, T, in] -> [B, T, out].
package io.neurostream.core.layers;

import io.neurostream.core.params.ParamSpec;
import io.neurostream.core.params.ParamViews;
import io.neurostream.core.tensor.Shape;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The B*T steps become rows of one [B*T, in] batch for the inner layer, so a sequence-to-sequence
 * output costs one GEMM, and the same weights serve every step. The parameters are the inner
 * layer's, under its own names.
 */
public final class TimeDistributed implements Layer {
    private final Layer inner;
    private final int steps; // T
    private final int in;

    public TimeDistributed(Layer inner, int steps, int in) {
        if (inner.outputShape().rank() != 1) {
            throw new IllegalArgumentException("time-distributed layer must map rows to rows, got output " + inner.outputShape());
        }
        this.inner = inner;
        this.steps = steps;
        this.in = in;
    }

    @Override
    public String describe() {
        return "time_distributed(" + inner.describe() + ")";
    }

    @Override
    public Shape outputShape() {
        return Shape.of(steps, inner.outputShape().dim(0));
    }

    @Override
    public List<ParamSpec> params() {
        return inner.params();
    }

    @Override
    public void bind(ParamViews views) {
        inner.bind(views);
    }

    @Override
    public void initializeParams() {
        inner.initializeParams();
    }

    @Override
    public INDArray forward(INDArray input, Pass pass) {
        long batch = input.size(0);
        INDArray rows = input.reshape('c', batch * steps, in);     // [B*T, in]
        INDArray out = inner.forward(rows, pass);                  // [B*T, out]
        return out.reshape('c', batch, steps, out.size(1));        // [B, T, out]
    }

    @Override
    public INDArray backward(INDArray dOut, boolean needInputGradient) {
        long batch = dOut.size(0);
        INDArray dRows = dOut.reshape('c', batch * steps, dOut.size(2));
        INDArray dIn = inner.backward(dRows, needInputGradient);   // [B*T, in]
        return dIn == null ? null : dIn.reshape('c', batch, steps, in);
    }
}
