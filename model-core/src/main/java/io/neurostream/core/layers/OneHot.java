// Token input as one-hot vectors: [B, T] token indices -> [B, T, V].
package io.neurostream.core.layers;

import io.neurostream.core.tensor.Buffers;
import io.neurostream.core.tensor.Shape;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The first layer of a token model without an embedding: token k becomes the unit vector e_k of
 * length V (the course's character-level RNN feeds characters this way). No parameters; tokens
 * have no gradient, so backward returns nothing.
 */
public final class OneHot implements Layer {
    private final int steps;      // T
    private final int vocabulary; // V
    private final Tokens tokens;
    private final Buffers buffers;

    public OneHot(int steps, int vocabulary, DataType dataType) {
        this.steps = steps;
        this.vocabulary = vocabulary;
        this.tokens = new Tokens(vocabulary);
        this.buffers = new Buffers(dataType);
    }

    @Override
    public String describe() {
        return "one_hot(" + vocabulary + ")";
    }

    @Override
    public Shape outputShape() {
        return Shape.of(steps, vocabulary);
    }

    @Override
    public INDArray forward(INDArray input, Pass pass) {
        long batch = input.size(0);
        int n = Math.toIntExact(batch * steps);
        INDArray out = buffers.get("out", batch, steps, vocabulary); // [B, T, V]
        tokens.writeOneHot(tokens.read(input, describe()), n, out);
        return out;
    }

    @Override
    public INDArray backward(INDArray dOut, boolean needInputGradient) {
        return null;
    }
}
