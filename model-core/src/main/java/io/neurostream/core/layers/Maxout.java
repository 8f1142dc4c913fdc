// Maxout units (Goodfellow et al. 2013): each output is the maximum of k linear pieces.
package io.neurostream.core.layers;

import io.neurostream.core.tensor.Buffers;
import io.neurostream.core.tensor.Shape;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.any.IsMax;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Takes [B, units * k] (the k pieces of unit u are the consecutive columns u*k .. u*k+k-1, as
 * produced by a dense layer of units * k outputs) and returns [B, units], the maximum piece of
 * each unit. The gradient flows only to the winning piece.
 */
public final class Maxout implements Layer {
    private final int units;
    private final int pieces;
    private final Buffers buffers;
    private INDArray winners; // cached one-hot of the arg-max piece, [B, units, k]

    public Maxout(int units, int pieces, DataType dataType) {
        if (pieces < 2) {
            throw new IllegalArgumentException("maxout needs at least 2 pieces, got " + pieces);
        }
        this.units = units;
        this.pieces = pieces;
        this.buffers = new Buffers(dataType);
    }

    @Override
    public String describe() {
        return "maxout(" + units + "x" + pieces + ")";
    }

    @Override
    public Shape outputShape() {
        return Shape.of(units);
    }

    @Override
    public INDArray forward(INDArray input, Pass pass) {
        long batch = input.size(0);
        INDArray grouped = input.reshape('c', batch, units, pieces);  // [B, units, k]
        winners = buffers.get("winners", batch, units, pieces);
        Nd4j.exec(new IsMax(grouped, winners, 2));
        INDArray out = buffers.get("out", batch, units);             // [B, units]
        INDArray products = buffers.get("products", batch, units, pieces);
        products.assign(grouped).muli(winners);
        products.sum(out, 2);
        return out;
    }

    @Override
    public INDArray backward(INDArray dOut, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        long batch = dOut.size(0);
        INDArray dIn = buffers.get("dIn", batch, units, pieces);      // [B, units, k]
        Broadcast.mul(winners, dOut, dIn, 0, 1);
        return dIn.reshape('c', batch, (long) units * pieces);
    }
}
