// Batches of next-character pairs from a TextCorpus for a token model: inputs [B, T] tokens, targets [B, T, V] one-hot.
package io.neurostream.core.train;

import io.neurostream.core.data.TextCorpus;
import io.neurostream.core.net.Network;
import io.neurostream.core.net.Targets;
import io.neurostream.core.tensor.HostCopy;
import io.neurostream.core.tensor.Shape;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Example k is the window of T characters starting at k*T and the T characters that follow each
 * of them (a corpus of n characters gives (n - 1) / T non-overlapping windows), so an epoch reads
 * the text once. Every window starts from the zero state: the model sees at most T characters of
 * context. Reuses its scratch arrays; allocates nothing per batch.
 */
public final class TextBatches implements BatchSource {
    private final TextCorpus corpus;
    private final int steps;      // T
    private final int vocabulary; // V
    private final int[] inputTokens;
    private final int[] targetTokens;
    private float[] inputScratch = new float[0];
    private float[] targetScratch = new float[0];

    public TextBatches(TextCorpus corpus, Network net) {
        int vocabulary = net.spec().input().vocabulary();
        if (vocabulary < 1 || net.inputShape().rank() != 1) {
            throw new IllegalArgumentException("model " + net.spec().name() + " takes input " + net.inputShape()
                    + " without a vocabulary; text " + corpus.name() + " needs a token model (input.shape [T] and input.vocabulary)");
        }
        if (vocabulary != corpus.vocabularySize()) {
            throw new IllegalArgumentException("model " + net.spec().name() + " has a vocabulary of " + vocabulary
                    + " tokens, text " + corpus.name() + " has " + corpus.vocabularySize() + " distinct characters");
        }
        this.steps = net.inputShape().dim(0);
        if (!net.outputShape().equals(Shape.of(steps, vocabulary))) {
            throw new IllegalArgumentException("model " + net.spec().name() + " outputs " + net.outputShape()
                    + "; next-character training needs [" + steps + ", " + vocabulary + "] (a distribution per step)");
        }
        this.corpus = corpus;
        this.vocabulary = vocabulary;
        this.inputTokens = new int[steps];
        this.targetTokens = new int[steps];
    }

    @Override
    public int size() {
        return Math.max(0, (corpus.length() - 1) / steps);
    }

    @Override
    public void fill(int[] order, int from, INDArray inputs, INDArray targets, int[] labels) {
        int batch = (int) inputs.size(0);
        if (inputScratch.length < batch * steps) {
            inputScratch = new float[batch * steps];
            targetScratch = new float[batch * steps * vocabulary];
        }
        for (int b = 0; b < batch; b++) {
            corpus.sequence(order[from + b] * steps, steps, inputTokens, targetTokens);
            for (int t = 0; t < steps; t++) {
                int row = b * steps + t;
                inputScratch[row] = inputTokens[t];
                labels[row] = targetTokens[t];
                Targets.fromLabel(targetTokens[t], vocabulary, targetScratch, row * vocabulary);
            }
        }
        HostCopy.copy(inputScratch, batch * steps, inputs);
        HostCopy.copy(targetScratch, batch * steps * vocabulary, targets);
    }
}
