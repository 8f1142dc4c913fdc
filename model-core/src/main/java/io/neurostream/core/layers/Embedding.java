// Learned token vectors: [B, T] token indices -> [B, T, E], row k of the table W [V, E] for token k.
package io.neurostream.core.layers;

import io.neurostream.core.params.Init;
import io.neurostream.core.params.ParamSpec;
import io.neurostream.core.params.ParamViews;
import io.neurostream.core.tensor.Buffers;
import io.neurostream.core.tensor.Shape;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The lookup is written as a product with the one-hot rows X [B*T, V]: out = X W, and the
 * gradient dW += X^T dOut adds each step's dOut to its token's row. That is two GEMMs of cost
 * B*T*V*E, cheap for character vocabularies (V ~ 65-256); a word vocabulary would want a gather
 * and a scatter-add instead. Tokens have no gradient: backward returns nothing.
 */
public final class Embedding implements Layer {
    private final int steps;      // T
    private final int vocabulary; // V
    private final int width;      // E
    private final Init init;
    private final Tokens tokens;
    private final Buffers buffers;
    private INDArray table;  // [V, E]
    private INDArray dTable; // [V, E]
    private INDArray oneHot; // cached one-hot rows of the last forward, [B*T, V]

    public Embedding(int steps, int vocabulary, int width, Init init, DataType dataType) {
        this.steps = steps;
        this.vocabulary = vocabulary;
        this.width = width;
        this.init = init;
        this.tokens = new Tokens(vocabulary);
        this.buffers = new Buffers(dataType);
    }

    @Override
    public String describe() {
        return "embedding(" + vocabulary + "->" + width + ")";
    }

    @Override
    public Shape outputShape() {
        return Shape.of(steps, width);
    }

    @Override
    public List<ParamSpec> params() {
        return List.of(ParamSpec.weight("W", init, vocabulary, width, vocabulary, width));
    }

    @Override
    public void bind(ParamViews views) {
        table = views.value("W");
        dTable = views.gradient("W");
    }

    @Override
    public INDArray forward(INDArray input, Pass pass) {
        long batch = input.size(0);
        int n = Math.toIntExact(batch * steps);
        oneHot = buffers.get("oneHot", n, vocabulary);
        tokens.writeOneHot(tokens.read(input, describe()), n, oneHot);
        INDArray out = buffers.get("out", n, width); // [B*T, E]
        Nd4j.gemm(oneHot, table, out, false, false, 1.0, 0.0);
        return out.reshape('c', batch, steps, width); // [B, T, E]
    }

    @Override
    public INDArray backward(INDArray dOut, boolean needInputGradient) {
        INDArray dOut2d = dOut.reshape('c', oneHot.size(0), width); // [B*T, E]
        Nd4j.gemm(oneHot, dOut2d, dTable, true, false, 1.0, 1.0);
        return null;
    }
}
