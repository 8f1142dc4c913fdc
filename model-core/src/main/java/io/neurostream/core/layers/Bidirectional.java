// Bidirectional recurrent layer (Schuster and Paliwal 1997): a forward and a backward cell over the same input, outputs concatenated.
package io.neurostream.core.layers;

import io.neurostream.core.params.ParamSpec;
import io.neurostream.core.params.ParamViews;
import io.neurostream.core.tensor.Buffers;
import io.neurostream.core.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The forward cell reads t = 0..T-1, the backward one t = T-1..0; they share no state or
 * weights. Output [B, T, 2H] (forward units first) with sequences, else [B, 2H]: the forward
 * cell's state after t = T-1 and the backward cell's after t = 0. Both cells see the whole input,
 * so dL/dIn is the sum of their input gradients. Parameters are named "forward.*" and
 * "backward.*". Stacking two of these gives a deep bidirectional net.
 */
public final class Bidirectional implements Layer {
    private final Recurrent forwardCell;
    private final Recurrent backwardCell;
    private final int units; // H of each cell
    private final Buffers buffers;

    public Bidirectional(Recurrent forwardCell, Recurrent backwardCell, DataType dataType) {
        if (!forwardCell.outputShape().equals(backwardCell.outputShape())) {
            throw new IllegalArgumentException("bidirectional cells must have the same output shape, got "
                    + forwardCell.outputShape() + " and " + backwardCell.outputShape());
        }
        this.forwardCell = forwardCell;
        this.backwardCell = backwardCell;
        this.units = forwardCell.units;
        this.buffers = new Buffers(dataType);
    }

    @Override
    public String describe() {
        return "bidirectional(" + forwardCell.describe() + ", " + backwardCell.describe() + ")";
    }

    @Override
    public Shape outputShape() {
        int[] dims = forwardCell.outputShape().dims();
        dims[dims.length - 1] *= 2;
        return Shape.of(dims);
    }

    @Override
    public List<ParamSpec> params() {
        List<ParamSpec> all = new ArrayList<>();
        forwardCell.params().forEach(p -> all.add(p.prefixed("forward")));
        backwardCell.params().forEach(p -> all.add(p.prefixed("backward")));
        return all;
    }

    @Override
    public void bind(ParamViews views) {
        forwardCell.bind(views.scoped("forward"));
        backwardCell.bind(views.scoped("backward"));
    }

    @Override
    public void initializeParams() {
        forwardCell.initializeParams();
        backwardCell.initializeParams();
    }

    @Override
    public INDArray forward(INDArray input, Pass pass) {
        INDArray f = forwardCell.forward(input, pass);  // [B, T, H] or [B, H]
        INDArray b = backwardCell.forward(input, pass);
        long[] shape = outputShape().withBatch(input.size(0));
        INDArray out = buffers.get("out", shape);        // [B, T, 2H] or [B, 2H]
        out.get(half(shape.length, 0)).assign(f);
        out.get(half(shape.length, 1)).assign(b);
        return out;
    }

    @Override
    public INDArray backward(INDArray dOut, boolean needInputGradient) {
        long[] shape = dOut.shape().clone();
        shape[shape.length - 1] = units;
        INDArray dF = buffers.get("dForward", shape).assign(dOut.get(half(shape.length, 0)));
        INDArray dB = buffers.get("dBackward", shape).assign(dOut.get(half(shape.length, 1)));
        INDArray dInF = forwardCell.backward(dF, needInputGradient);
        INDArray dInB = backwardCell.backward(dB, needInputGradient);
        if (!needInputGradient) {
            return null;
        }
        return buffers.get("dIn", dInF.shape()).assign(dInF).addi(dInB);
    }

    /** The forward (0) or backward (1) cell's units along the last axis of a rank-r array. */
    private INDArrayIndex[] half(int rank, int which) {
        INDArrayIndex[] index = new INDArrayIndex[rank];
        for (int i = 0; i < rank - 1; i++) {
            index[i] = NDArrayIndex.all();
        }
        index[rank - 1] = NDArrayIndex.interval((long) which * units, (long) (which + 1) * units);
        return index;
    }
}
