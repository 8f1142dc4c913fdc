// A text file as character-token sequences for next-character models (char-rnn style).
package io.neurostream.app.produce;

import io.neurostream.core.data.TextCorpus;
import io.neurostream.schemas.Sample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Tokens are {@link TextCorpus}'s: token k is the k-th of the text's distinct characters in code
 * point order (tiny Shakespeare: 65), so a model reading these samples needs {@code vocabulary} V
 * equal to {@link #vocabularySize()} and input shape [T] with T = the sequence length.
 *
 * <p>Labelled (the default): sample i holds the T+1 tokens at positions {@code i*T .. i*T+T}. A
 * next-token model (one output row per time step) reads the first T as inputs and learns from the
 * last T, the character after each input: no label or target field, the targets are the tokens
 * themselves. Consecutive samples share one token, so every (character, next character) pair of
 * the text is taught exactly once. Without labels: sample i holds the T tokens at {@code i*T ..
 * i*T+T-1}, to be predicted only. Ids are {@code <file name>-T<T>-<i>}.
 */
public final class TextSource implements SampleSource {
    private final TextCorpus corpus;
    private final int sequenceLength;
    private final boolean labelled;
    private final int tokensPerSample;
    private final int count;

    public TextSource(TextCorpus corpus, int sequenceLength, boolean labelled) {
        if (sequenceLength < 1) {
            throw new SourceException("sequence length must be >= 1, got " + sequenceLength);
        }
        this.corpus = corpus;
        this.sequenceLength = sequenceLength;
        this.labelled = labelled;
        this.tokensPerSample = labelled ? sequenceLength + 1 : sequenceLength;
        // starts i*T for i in 0..count-1 with i*T + tokensPerSample <= length
        this.count = corpus.length() < tokensPerSample ? 0 : (corpus.length() - tokensPerSample) / sequenceLength + 1;
        if (count == 0) {
            throw new SourceException(corpus.name() + ": " + corpus.length() + " characters, too short for one sequence of "
                    + tokensPerSample + " tokens (sequence length " + sequenceLength + ")");
        }
    }

    /** The number of distinct characters, the vocabulary V the model must have. */
    public int vocabularySize() {
        return corpus.vocabularySize();
    }

    @Override
    public String description() {
        return String.format("%s (%,d characters, vocabulary %d; %,d sequences of %d tokens, %s)", corpus.name(), corpus.length(),
                corpus.vocabularySize(), count, tokensPerSample, labelled ? "inputs + next tokens" : "inputs only");
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public Sample sample(int index, long eventTimeMillis) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException(corpus.name() + ": sequence " + index + " is outside 0.." + (count - 1));
        }
        int start = index * sequenceLength;
        List<Integer> tokens = new ArrayList<>(tokensPerSample); // [T+1] labelled, [T] otherwise
        for (int t = 0; t < tokensPerSample; t++) {
            tokens.add(corpus.token(start + t));
        }
        return Sample.newBuilder()
                .setId(corpus.name() + "-T" + sequenceLength + "-" + index)
                .setEventTime(Instant.ofEpochMilli(eventTimeMillis))
                .setTokens(tokens)
                .setShape(List.of(tokensPerSample))
                .build();
    }
}
