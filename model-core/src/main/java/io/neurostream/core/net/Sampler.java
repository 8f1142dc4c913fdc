// Generates token sequences from a next-token model by sampling with a temperature (as karpathy/char-rnn's sample.lua).
package io.neurostream.core.net;

import io.neurostream.core.rng.Rng;
import io.neurostream.core.tensor.HostCopy;
import io.neurostream.core.tensor.Shape;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * For a token model with input [T] and output [T, V] (a distribution over the next token at every
 * step): the last T tokens are fed from the zero state, exactly as in training, and the next token
 * is drawn from the last step's distribution sharpened or flattened by the temperature τ,
 * p_k^(1/τ) / Σ_j p_j^(1/τ): τ = 1 samples the model as it is, τ → 0 approaches the arg-max,
 * τ > 1 is more random. The sampler has its own generator: sampling never touches the model's.
 */
public final class Sampler {
    private final Network net;
    private final double temperature;
    private final Rng rng;
    private final int steps;      // T
    private final int vocabulary; // V
    private final INDArray window; // [1, T]
    private final float[] windowScratch;
    private final double[] weights;

    public Sampler(Network net, double temperature, long seed) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a positive number, got " + temperature);
        }
        int vocabulary = net.spec().input().vocabulary();
        Shape in = net.inputShape();
        if (vocabulary < 1 || in.rank() != 1 || !net.outputShape().equals(Shape.of(in.dim(0), vocabulary))) {
            throw new IllegalArgumentException("model " + net.spec().name() + " maps " + in + " to " + net.outputShape()
                    + "; sampling needs a next-token model: tokens [T] with a vocabulary V to [T, V]");
        }
        this.net = net;
        this.temperature = temperature;
        this.rng = new Rng(seed);
        this.steps = in.dim(0);
        this.vocabulary = vocabulary;
        this.window = Nd4j.create(net.dataType(), 1, steps);
        this.windowScratch = new float[steps];
        this.weights = new double[vocabulary];
    }

    /** {@code count} new tokens following {@code prime}, which needs at least T tokens (the model's window). */
    public int[] generate(int[] prime, int count) {
        if (prime.length < steps) {
            throw new IllegalArgumentException("model " + net.spec().name() + " reads windows of " + steps
                    + " tokens; the prime has only " + prime.length);
        }
        int[] text = Arrays.copyOf(prime, prime.length + count);
        for (int i = prime.length; i < text.length; i++) {
            text[i] = next(text, i - steps);
        }
        return Arrays.copyOfRange(text, prime.length, text.length);
    }

    /** Draws the token that follows tokens[from .. from+T-1]. */
    public int next(int[] tokens, int from) {
        for (int t = 0; t < steps; t++) {
            windowScratch[t] = tokens[from + t];
        }
        HostCopy.copy(windowScratch, steps, window);
        FloatBuffer out = HostCopy.floats(net.predict(window)); // [1, T, V]
        return draw(out, (steps - 1) * vocabulary);
    }

    private int draw(FloatBuffer probabilities, int offset) {
        double max = 0;
        for (int k = 0; k < vocabulary; k++) {
            max = Math.max(max, probabilities.get(offset + k));
        }
        double total = 0;
        for (int k = 0; k < vocabulary; k++) {
            double p = probabilities.get(offset + k) / max; // in [0, 1]: p^(1/τ) neither overflows nor is all zero
            weights[k] = Math.pow(p, 1.0 / temperature);
            total += weights[k];
        }
        double u = rng.nextDouble() * total;
        for (int k = 0; k < vocabulary; k++) {
            u -= weights[k];
            if (u < 0) {
                return k;
            }
        }
        return vocabulary - 1;
    }
}
