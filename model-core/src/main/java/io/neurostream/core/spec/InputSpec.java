// The shape of one input sample, and the vocabulary size when samples are token sequences.
package io.neurostream.core.spec;

import io.neurostream.core.tensor.Shape;

/**
 * @param shape      per-sample shape: [F] for feature vectors, [C, H, W] for images, [T] for token sequences
 * @param vocabulary number of distinct tokens when samples are token sequences, else 0
 */
public record InputSpec(Shape shape, int vocabulary) {

    public boolean isTokens() {
        return vocabulary > 0;
    }

    static InputSpec parse(SpecNode node) {
        Shape shape = Shape.of(node.requireIntArray("shape"));
        int vocabulary = node.optInt("vocabulary", 0, 1);
        node.rejectUnknownFields();
        return new InputSpec(shape, vocabulary);
    }
}
