// What the streaming side needs to know of a network's inputs and outputs.
package io.neurostream.app.training;

import io.neurostream.core.net.Network;
import io.neurostream.core.tensor.Shape;

/**
 * @param inputSize      values per sample (F), or T for token models
 * @param vocabulary     tokens a token model knows (V), 0 for pixel/value models
 * @param outputs        width of one output row (K)
 * @param rows           output rows per sample: 1, or T for a sequence-to-sequence model
 * @param classes        labels are 0 .. classes-1
 * @param nextTokenModel a token model with an output per time step learns from the sample's own
 *                       next tokens: a sample of T+1 tokens is labelled, one of T tokens is predicted only
 */
public record ModelShape(String model, int inputSize, int vocabulary, int outputs, int rows, int classes, boolean nextTokenModel) {

    public static ModelShape of(Network net) {
        Shape out = net.outputShape();
        int outputs = net.outputSize();
        int rows = out.size() / outputs;
        int vocabulary = net.spec().input().vocabulary();
        return new ModelShape(net.spec().name(), net.inputShape().size(), vocabulary, outputs, rows, net.classes(),
                vocabulary > 0 && rows > 1);
    }

    public boolean readsTokens() {
        return vocabulary > 0;
    }

    /** Target values per sample: outputs per row times rows. */
    public int targetSize() {
        return outputs * rows;
    }
}
