// Inverted dropout (Srivastava et al. 2014): in training each value is kept with probability 1 - rate and scaled by 1 / (1 - rate).
package io.neurostream.core.layers;

import io.neurostream.core.tensor.Buffers;
import io.neurostream.core.tensor.HostCopy;
import io.neurostream.core.tensor.Shape;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training: out = x * mask, with mask 0 (probability {@code rate}) or 1 / (1 - rate), drawn value
 * by value in C order from the model's {@link io.neurostream.core.rng.Rng}, so a step is
 * bit-reproducible and a restored snapshot draws the same masks. Prediction: the identity (the
 * scaling at training time keeps the expected activation unchanged).
 */
public final class Dropout implements Layer {
    private final double rate;
    private final Shape shape;
    private final Buffers buffers;
    private float[] drawn = new float[0];
    private INDArray mask; // cached mask of the last training forward, [B, ...shape]

    public Dropout(double rate, Shape shape, DataType dataType) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
        }
        this.rate = rate;
        this.shape = shape;
        this.buffers = new Buffers(dataType);
    }

    @Override
    public String describe() {
        return "dropout(" + rate + ")";
    }

    @Override
    public Shape outputShape() {
        return shape;
    }

    /** A random mask in training, the identity when predicting. */
    @Override
    public boolean trainingChangesForward() {
        return true;
    }

    @Override
    public INDArray forward(INDArray input, Pass pass) {
        if (!pass.training()) {
            return input;
        }
        int n = Math.toIntExact(input.length());
        if (drawn.length < n) {
            drawn = new float[n];
        }
        float kept = (float) (1.0 / (1.0 - rate));
        for (int i = 0; i < n; i++) {
            drawn[i] = pass.rng().nextDouble() < rate ? 0f : kept;
        }
        mask = buffers.get("mask", input.shape());
        HostCopy.copy(drawn, n, mask);
        INDArray out = buffers.get("out", input.shape());
        Nd4j.exec(new MulOp(input, mask, out));
        return out;
    }

    @Override
    public INDArray backward(INDArray dOut, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        INDArray dIn = buffers.get("dIn", dOut.shape());
        Nd4j.exec(new MulOp(dOut, mask, dIn));
        return dIn;
    }
}
