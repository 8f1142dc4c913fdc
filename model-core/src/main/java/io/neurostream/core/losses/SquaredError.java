// The course's E = ½ Σ (d - o)² per sample, and the mean squared error (1/K) Σ (d - o)².
package io.neurostream.core.losses;

import io.neurostream.core.activations.Activation;
import io.neurostream.core.tensor.Buffers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Half squared error (sum over outputs, halved) or mean squared error (mean over outputs). */
final class SquaredError implements Loss {
    private final boolean half;
    private final Buffers buffers;

    SquaredError(boolean half, DataType dataType) {
        this.half = half;
        this.buffers = new Buffers(dataType);
    }

    @Override
    public String specName() {
        return half ? Losses.HALF_SQUARED_ERROR : Losses.MEAN_SQUARED_ERROR;
    }

    @Override
    public boolean fusesWith(Activation finalActivation) {
        return false;
    }

    @Override
    public double forward(INDArray z, INDArray out, INDArray target, INDArray perRow) {
        INDArray diff = buffers.get("diff", out.shape()); // [N, K]
        diff.assign(out).subi(target);
        diff.muli(diff);
        diff.sum(perRow, 1);
        perRow.muli(half ? 0.5 : 1.0 / out.size(1));
        return perRow.meanNumber().doubleValue();
    }

    @Override
    public void backward(INDArray z, INDArray out, INDArray target, INDArray grad) {
        double scale = (half ? 1.0 : 2.0 / out.size(1)) / out.size(0);
        grad.assign(out).subi(target).muli(scale);
    }

}
