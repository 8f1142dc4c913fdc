// Categorical cross-entropy -Σ d log p; fused with softmax it is computed from the logits.
package io.neurostream.core.losses;

import io.neurostream.core.activations.Activation;
import io.neurostream.core.tensor.Buffers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMax;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LogSoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Per row -Σ_k d_k log p_k. After a softmax the log-probabilities come from log-softmax(z), which
 * never takes log(0), and dL/dz = (p - d) / N. Without a softmax (outputs already probabilities)
 * p is clamped at {@link #MIN_PROBABILITY} and dL/dp = -d / (p N).
 */
final class CrossEntropy implements Loss {
    static final double MIN_PROBABILITY = 1e-12;
    private final Buffers buffers;

    CrossEntropy(DataType dataType) {
        this.buffers = new Buffers(dataType);
    }

    @Override
    public String specName() {
        return Losses.CROSS_ENTROPY;
    }

    @Override
    public boolean fusesWith(Activation finalActivation) {
        return finalActivation == Activation.SOFTMAX;
    }

    @Override
    public double forward(INDArray z, INDArray out, INDArray target, INDArray perRow) {
        INDArray logP = buffers.get("logP", out.shape()); // [N, K]
        if (z != null) {
            Nd4j.exec(new LogSoftMax(z, logP));
        } else {
            Nd4j.exec(new ScalarMax(out, null, logP, MIN_PROBABILITY));
            Transforms.log(logP, false);
        }
        logP.muli(target);
        logP.sum(perRow, 1);
        perRow.negi();
        return perRow.meanNumber().doubleValue();
    }

    @Override
    public void backward(INDArray z, INDArray out, INDArray target, INDArray grad) {
        double scale = 1.0 / out.size(0);
        if (z != null) {
            grad.assign(out).subi(target).muli(scale);
        } else {
            INDArray p = buffers.get("p", out.shape());
            Nd4j.exec(new ScalarMax(out, null, p, MIN_PROBABILITY));
            grad.assign(target).divi(p).muli(-scale);
        }
    }

}
