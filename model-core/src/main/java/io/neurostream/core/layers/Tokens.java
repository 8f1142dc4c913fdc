// Reads a batch of token indices [B, T] (stored as numbers in the network's data type) and writes them one-hot.
package io.neurostream.core.layers;

import io.neurostream.core.tensor.HostCopy;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Token layers take [B, T] arrays whose values are integers in 0..V-1. This helper checks them
 * and writes the one-hot rows [B*T, V] that both {@link OneHot} and {@link Embedding} use; its
 * host scratch arrays grow once and are then reused.
 */
final class Tokens {
    private final int vocabulary; // V
    private int[] tokens = new int[0];       // [B*T]
    private float[] oneHotRows = new float[0]; // [B*T*V]

    Tokens(int vocabulary) {
        this.vocabulary = vocabulary;
    }

    /** The tokens of {@code input} [B, T], row-major; each checked to be an integer in 0..V-1. */
    int[] read(INDArray input, String layer) {
        int n = Math.toIntExact(input.length());
        if (tokens.length < n) {
            tokens = new int[n];
        }
        INDArray source = input.isView() ? input.dup('c') : input;
        FloatBuffer values = HostCopy.floats(source);
        long steps = input.size(1);
        for (int i = 0; i < n; i++) {
            float v = values.get(i);
            int token = (int) v;
            if (token != v || token < 0 || token >= vocabulary) {
                throw new IllegalArgumentException(layer + ": token " + v + " at [" + i / steps + ", " + i % steps
                        + "] is not an integer in 0.." + (vocabulary - 1));
            }
            tokens[i] = token;
        }
        return tokens;
    }

    /** Writes the one-hot rows of the first n tokens into {@code out} [n, V] (a whole array, not a view). */
    void writeOneHot(int[] tokens, int n, INDArray out) {
        if (out.dataType() == DataType.FLOAT) {
            int length = n * vocabulary;
            if (oneHotRows.length < length) {
                oneHotRows = new float[length];
            }
            Arrays.fill(oneHotRows, 0, length, 0f);
            for (int i = 0; i < n; i++) {
                oneHotRows[i * vocabulary + tokens[i]] = 1f;
            }
            HostCopy.copy(oneHotRows, length, out);
        } else {
            out.assign(0);
            for (int i = 0; i < n; i++) {
                out.putScalar((long) i * vocabulary + tokens[i], 1.0);
            }
        }
    }
}
