// A text as a sequence of character tokens for character-level models (as karpathy/char-rnn and nanoGPT's shakespeare_char).
package io.neurostream.core.data;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;

/**
 * A text held as tokens: the vocabulary is the sorted distinct characters (Unicode code points) of
 * the text, and token {@code k} stands for the k-th of them (tiny Shakespeare: 65 characters,
 * 1,115,394 tokens). A corpus is immutable; {@link #split} gives two corpora with the same vocabulary.
 */
public final class TextCorpus {
    /** A corpus cut in two: {@code training} first, then {@code heldOut}; both share the vocabulary. */
    public record Split(TextCorpus training, TextCorpus heldOut) {
    }

    private final String name;
    private final int[] vocabulary; // [V] sorted distinct code points
    private final int[] tokens; // [length] each in 0..V-1

    private TextCorpus(String name, int[] vocabulary, int[] tokens) {
        this.name = name;
        this.vocabulary = vocabulary;
        this.tokens = tokens;
    }

    /** Reads {@code file} as UTF-8 (ASCII included), checking its sha256 if it is a known file; named after the file. */
    public static TextCorpus load(Path file) {
        byte[] bytes = KnownFiles.read(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new DatasetException(file + ": not valid UTF-8: " + e, e);
        }
        return of(file.getFileName().toString(), text);
    }

    /** The corpus of {@code text}, its vocabulary taken from the text itself. */
    public static TextCorpus of(String name, String text) {
        int[] codePoints = text.codePoints().toArray(); // [length]
        BitSet seen = new BitSet();
        for (int c : codePoints) {
            seen.set(c);
        }
        int[] vocabulary = seen.stream().toArray(); // ascending
        int[] tokens = new int[codePoints.length];
        for (int i = 0; i < codePoints.length; i++) {
            tokens[i] = Arrays.binarySearch(vocabulary, codePoints[i]);
        }
        return new TextCorpus(name, vocabulary, tokens);
    }

    /** The file name, or {@code <name>/train}, {@code <name>/heldout} for the parts of a split. */
    public String name() {
        return name;
    }

    /** The number of tokens (characters). */
    public int length() {
        return tokens.length;
    }

    /** The number of distinct characters V. */
    public int vocabularySize() {
        return vocabulary.length;
    }

    /** The vocabulary as a string: character k is token k. */
    public String vocabulary() {
        return new String(vocabulary, 0, vocabulary.length);
    }

    /** The token at {@code position}. */
    public int token(int position) {
        return tokens[position];
    }

    /** The token of character {@code codePoint}. */
    public int encode(int codePoint) {
        int token = Arrays.binarySearch(vocabulary, codePoint);
        if (token < 0) {
            throw new IllegalArgumentException(name + ": character '" + Character.toString(codePoint)
                    + "' (U+" + String.format("%04X", codePoint) + ") is not in the vocabulary of "
                    + vocabulary.length);
        }
        return token;
    }

    /** The tokens of {@code text}, every character of which must be in the vocabulary. */
    public int[] encode(String text) {
        return text.codePoints().map(this::encode).toArray();
    }

    /** The character (code point) of {@code token}. */
    public int decode(int token) {
        if (token < 0 || token >= vocabulary.length) {
            throw new IllegalArgumentException(name + ": token " + token + " is outside 0.." + (vocabulary.length - 1));
        }
        return vocabulary[token];
    }

    /** The text of {@code tokens}. */
    public String decode(int[] tokens) {
        int[] codePoints = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            codePoints[i] = decode(tokens[i]);
        }
        return new String(codePoints, 0, codePoints.length);
    }

    /** The text of positions {@code from} (inclusive) to {@code to} (exclusive). */
    public String text(int from, int to) {
        return decode(Arrays.copyOfRange(tokens, checkedFrom(from, to), to));
    }

    /**
     * The first {@code floor(length × (1 − heldOutFraction))} tokens for training and the rest held
     * out, as nanoGPT's {@code int(0.9 * len(data))} for a fraction of 0.1. Deterministic, no shuffling.
     */
    public Split split(double heldOutFraction) {
        if (!(heldOutFraction >= 0 && heldOutFraction <= 1)) {
            throw new IllegalArgumentException(name + ": held-out fraction must be in [0, 1], got " + heldOutFraction);
        }
        int cut = (int) (tokens.length * (1 - heldOutFraction));
        return new Split(slice(0, cut, name + "/train"), slice(cut, tokens.length, name + "/heldout"));
    }

    /** The number of training sequences of length {@code T} (valid starts 0 .. count-1): {@code length - T}, or 0. */
    public int sequenceCount(int T) {
        return Math.max(0, tokens.length - T);
    }

    /**
     * Writes the training pair starting at {@code start}: {@code inputs[t] = token(start + t)} and
     * {@code targets[t] = token(start + t + 1)} for t in 0..T-1, the next character after each input.
     */
    public void sequence(int start, int T, int[] inputs, int[] targets) {
        if (start < 0 || T < 1 || start >= sequenceCount(T)) {
            throw new IllegalArgumentException(name + ": a sequence of length " + T + " at " + start
                    + " needs starts in 0.." + (sequenceCount(T) - 1) + " (corpus length " + tokens.length + ")");
        }
        System.arraycopy(tokens, start, inputs, 0, T);
        System.arraycopy(tokens, start + 1, targets, 0, T);
    }

    private TextCorpus slice(int from, int to, String sliceName) {
        return new TextCorpus(sliceName, vocabulary, Arrays.copyOfRange(tokens, checkedFrom(from, to), to));
    }

    private int checkedFrom(int from, int to) {
        if (from < 0 || to > tokens.length || from > to) {
            throw new IllegalArgumentException(name + ": range " + from + ".." + to + " is outside 0.." + tokens.length);
        }
        return from;
    }
}
