// Token input as one-hot vectors: [B, T] token indices -> [B, T, V].
package io.neurostream.core.layers;

import io.neurostream.core.tensor.Buffers;
import io.neurostream.core.tensor.Shape;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The first layer of a token model without an embedding: token k becomes the unit vector e_k of
 * length V (the course's character-level RNN feeds characters this way). No parameters; tokens
 * have no gradient, so backward returns nothing.
 *
 * <p>A recurrent layer right after it reads the tokens of its input instead
 * ({@link #fuseTokenInputs}): x_t Wx of a one-hot x_t is row x_t of Wx, a gather instead of a GEMM.
 */
public final class OneHot implements Layer {
    private final int steps;      // T
    private final int vocabulary; // V
    private final Tokens tokens;
    private final Buffers buffers;
    private INDArray lastOut;   // the output of the last forward pass
    private int[] lastTokens;   // its tokens, [B*T] row-major

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
        lastTokens = tokens.read(input, describe());
        tokens.writeOneHot(lastTokens, n, out);
        lastOut = out;
        return out;
    }

    /**
     * The tokens [B*T] (row-major, valid until the next forward pass) of which {@code input} is the
     * one-hot output, when it is the array this layer returned last; else null.
     */
    int[] tokensOf(INDArray input) {
        return input == lastOut ? lastTokens : null;
    }

    /**
     * Lets every recurrent layer that directly follows a one-hot layer in {@code layers} read
     * that layer's tokens; called once when a network is built.
     */
    public static void fuseTokenInputs(List<Layer> layers) {
        for (int i = 0; i + 1 < layers.size(); i++) {
            if (layers.get(i) instanceof OneHot oneHot && layers.get(i + 1) instanceof Recurrent next) {
                next.readTokensFrom(oneHot);
            }
        }
    }

    @Override
    public INDArray backward(INDArray dOut, boolean needInputGradient) {
        return null;
    }
}
