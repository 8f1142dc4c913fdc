// Batch normalisation (Ioffe & Szegedy 2015): per channel of [B, C, H, W] maps or per feature of [B, C] vectors.
package io.neurostream.core.layers;

import io.neurostream.core.params.Init;
import io.neurostream.core.params.ParamSpec;
import io.neurostream.core.params.ParamViews;
import io.neurostream.core.tensor.Buffers;
import io.neurostream.core.tensor.Shape;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * out = gamma * xhat + beta with xhat = (x - mean) / sqrt(var + eps), per channel c (axis 1),
 * statistics over the N = B (or B*H*W) values of that channel. Training uses the batch's mean and
 * biased variance and moves the running averages (STATE parameters, saved in snapshots):
 * running = momentum * running + (1 - momentum) * batch, the variance unbiased (N / (N - 1)).
 * Prediction uses the running averages. Backward (training only), per channel:
 * dIn = gamma / sqrt(var + eps) * (dOut - (sum dOut + xhat * sum(dOut * xhat)) / N).
 * gamma and beta are trained but not weight-decayed.
 */
public final class BatchNorm implements Layer {
    private final Shape shape;
    private final int channels;
    private final int[] reduceDims; // {0} for [B, C], {0, 2, 3} for [B, C, H, W]
    private final double momentum;
    private final double epsilon;
    private final Buffers buffers;
    private INDArray gamma;        // [C]
    private INDArray beta;         // [C]
    private INDArray dGamma;       // [C]
    private INDArray dBeta;        // [C]
    private INDArray runningMean;  // [C], state
    private INDArray runningVar;   // [C], state
    private INDArray xhat;         // cached normalised input of the last training forward, [B, C, ...]
    private INDArray invStd;       // cached 1 / sqrt(var + eps) of that batch, [C]

    public BatchNorm(Shape shape, double momentum, double epsilon, DataType dataType) {
        if (shape.rank() != 1 && shape.rank() != 3) {
            throw new IllegalArgumentException("batch_norm needs [C] or [C, H, W] input, got " + shape);
        }
        if (!(momentum >= 0 && momentum < 1) || !(epsilon > 0)) {
            throw new IllegalArgumentException("batch_norm: momentum must be in [0, 1) and epsilon > 0, got " + momentum + ", " + epsilon);
        }
        this.shape = shape;
        this.channels = shape.dim(0);
        this.reduceDims = shape.rank() == 1 ? new int[] {0} : new int[] {0, 2, 3};
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.buffers = new Buffers(dataType);
    }

    @Override
    public String describe() {
        return "batch_norm(" + shape + ")";
    }

    @Override
    public Shape outputShape() {
        return shape;
    }

    @Override
    public List<ParamSpec> params() {
        return List.of(new ParamSpec("gamma", new long[] {channels}, ParamSpec.Role.BIAS, Init.ONES, 1, 1),
                ParamSpec.bias("beta", channels),
                ParamSpec.state("mean", Init.ZEROS, channels),
                ParamSpec.state("var", Init.ONES, channels));
    }

    @Override
    public void bind(ParamViews views) {
        gamma = views.value("gamma");
        beta = views.value("beta");
        dGamma = views.gradient("gamma");
        dBeta = views.gradient("beta");
        runningMean = views.value("mean");
        runningVar = views.value("var");
    }

    /** Batch statistics in training, running averages when predicting. */
    @Override
    public boolean trainingChangesForward() {
        return true;
    }

    @Override
    public INDArray forward(INDArray input, Pass pass) {
        long[] s = input.shape();
        INDArray out = buffers.get("out", s);                  // [B, C, ...]
        INDArray normalised = buffers.get("xhat", s);          // [B, C, ...]
        INDArray mean = buffers.get("mean", channels);         // [C]
        INDArray var = buffers.get("var", channels);           // [C]
        INDArray inverse = buffers.get("invStd", channels);    // [C]
        if (pass.training()) {
            long n = input.length() / channels;
            input.mean(mean, reduceDims);
            Broadcast.sub(input, mean, normalised, 1);         // x - mean
            INDArray squared = buffers.get("squared", s);
            Nd4j.exec(new MulOp(normalised, normalised, squared));
            squared.mean(var, reduceDims);                     // biased batch variance
            INDArray step = buffers.get("runningStep", channels);
            runningMean.muli(momentum).addi(step.assign(mean).muli(1 - momentum));
            runningVar.muli(momentum).addi(step.assign(var).muli((1 - momentum) * n / Math.max(n - 1, 1)));
        } else {
            mean.assign(runningMean);
            var.assign(runningVar);
            Broadcast.sub(input, mean, normalised, 1);
        }
        Transforms.pow(inverse.assign(var).addi(epsilon), -0.5, false);
        Broadcast.mul(normalised, inverse, normalised, 1);     // xhat
        Broadcast.mul(normalised, gamma, out, 1);
        Broadcast.add(out, beta, out, 1);
        if (pass.training()) {
            xhat = normalised;
            invStd = inverse;
        }
        return out;
    }

    @Override
    public INDArray backward(INDArray dOut, boolean needInputGradient) {
        long n = dOut.length() / channels;
        INDArray dBetaBatch = buffers.get("dBetaBatch", channels);   // sum dOut, [C]
        INDArray dGammaBatch = buffers.get("dGammaBatch", channels); // sum dOut * xhat, [C]
        INDArray product = buffers.get("product", dOut.shape());
        dOut.sum(dBetaBatch, reduceDims);
        Nd4j.exec(new MulOp(dOut, xhat, product));
        product.sum(dGammaBatch, reduceDims);
        dBeta.addi(dBetaBatch);
        dGamma.addi(dGammaBatch);
        if (!needInputGradient) {
            return null;
        }
        INDArray dIn = buffers.get("dIn", dOut.shape());
        Broadcast.mul(xhat, dGammaBatch.divi(n), product, 1);  // xhat * sum(dOut * xhat) / N
        Broadcast.add(product, dBetaBatch.divi(n), product, 1); // + sum(dOut) / N
        dIn.assign(dOut).subi(product);
        INDArray scale = buffers.get("scale", channels);
        Nd4j.exec(new MulOp(gamma, invStd, scale));
        Broadcast.mul(dIn, scale, dIn, 1);
        return dIn;
    }
}
