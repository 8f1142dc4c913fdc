// Binary cross-entropy -Σ [d log p + (1-d) log(1-p)]; fused with sigmoid it is computed from the logits.
package io.neurostream.core.losses;

import io.neurostream.core.activations.Activation;
import io.neurostream.core.tensor.Buffers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMax;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMin;
import org.nd4j.linalg.api.ops.impl.transforms.same.Abs;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Per row the sum over outputs of -[d log p + (1 - d) log(1 - p)]. After a sigmoid it is the
 * stable max(z, 0) - z d + log(1 + e^-|z|) and dL/dz = (p - d) / N; otherwise p is clamped into
 * [eps, 1 - eps] and dL/dp = (p - d) / (p (1 - p) N).
 */
final class BinaryCrossEntropy implements Loss {
    private static final double EPS = 1e-12;
    private final Buffers buffers;

    BinaryCrossEntropy(DataType dataType) {
        this.buffers = new Buffers(dataType);
    }

    @Override
    public String specName() {
        return Losses.BINARY_CROSS_ENTROPY;
    }

    @Override
    public boolean fusesWith(Activation finalActivation) {
        return finalActivation == Activation.SIGMOID;
    }

    @Override
    public double forward(INDArray z, INDArray out, INDArray target, INDArray perRow) {
        INDArray terms = buffers.get("terms", out.shape()); // [N, K]
        if (z != null) {
            INDArray softplus = buffers.get("softplus", out.shape());
            Nd4j.exec(new Abs(z, softplus));
            softplus.negi();
            Transforms.exp(softplus, false);
            Transforms.log1p(softplus, false);             // log(1 + e^-|z|)
            Nd4j.exec(new ScalarMax(z, null, terms, 0.0));       // max(z, 0)
            terms.addi(softplus);
            INDArray zd = buffers.get("zd", out.shape());
            zd.assign(z).muli(target);
            terms.subi(zd);
        } else {
            INDArray p = clamped(out);
            INDArray q = buffers.get("q", out.shape());
            q.assign(p).rsubi(1.0);                        // 1 - p
            Transforms.log(p, false);
            Transforms.log(q, false);
            INDArray oneMinusD = buffers.get("oneMinusD", out.shape());
            oneMinusD.assign(target).rsubi(1.0);
            terms.assign(p).muli(target);
            q.muli(oneMinusD);
            terms.addi(q).negi();
        }
        terms.sum(perRow, 1);
        return perRow.meanNumber().doubleValue();
    }

    @Override
    public void backward(INDArray z, INDArray out, INDArray target, INDArray grad) {
        double scale = 1.0 / out.size(0);
        grad.assign(out).subi(target).muli(scale);
        if (z == null) {
            INDArray p = clamped(out);
            INDArray variance = buffers.get("variance", out.shape());
            variance.assign(p).rsubi(1.0).muli(p);          // p (1 - p)
            grad.divi(variance);
        }
    }

    private INDArray clamped(INDArray out) {
        INDArray p = buffers.get("p", out.shape());
        Nd4j.exec(new ScalarMax(out, null, p, EPS));
        Nd4j.exec(new ScalarMin(p, null, p, 1.0 - EPS));
        return p;
    }

}
