// Spec of a recurrent layer: {"type": "lstm" | "simple_rnn", "units": 128, "return_sequences": true, "truncation": 0}.
package io.neurostream.core.spec;

import io.neurostream.core.activations.Activation;
import io.neurostream.core.layers.Layer;
import io.neurostream.core.layers.Lstm;
import io.neurostream.core.layers.Recurrent;
import io.neurostream.core.layers.SimpleRnn;
import io.neurostream.core.tensor.Shape;
import java.util.List;

/**
 * A simple RNN or an LSTM on a [T, D] sequence input.
 *
 * @param returnSequences output every step [T, units] (sequence-to-sequence) instead of the last [units]
 * @param truncation      truncated back-propagation through time: cut the gradient every this many steps; 0 = full BPTT
 */
public record RecurrentSpec(String type, int units, boolean returnSequences, int truncation) implements LayerSpec {
    public static final String SIMPLE_RNN = "simple_rnn";
    public static final String LSTM = "lstm";
    static final List<String> TYPES = List.of(SIMPLE_RNN, LSTM);

    @Override
    public List<Layer> build(Shape input, BuildContext context, String path) {
        return List.of(buildCell(input, context, path, false));
    }

    /** The runtime cell, reading the sequence forwards or (for a bidirectional layer's second cell) backwards. */
    Recurrent buildCell(Shape input, BuildContext context, String path, boolean reverse) {
        TokenInputs.requireSequence(type, input, context, path);
        int steps = input.dim(0);
        int features = input.dim(1);
        var init = context.weightInit(Activation.TANH);
        return type.equals(LSTM)
                ? new Lstm(steps, features, units, returnSequences, reverse, truncation, init, context.dataType())
                : new SimpleRnn(steps, features, units, returnSequences, reverse, truncation, init, context.dataType());
    }

    static RecurrentSpec parse(SpecNode node) {
        String type = node.requireChoice("type", TYPES);
        int units = node.requireInt("units", 1);
        boolean returnSequences = node.optBoolean("return_sequences", false);
        int truncation = node.optInt("truncation", 0, 0);
        node.rejectUnknownFields();
        return new RecurrentSpec(type, units, returnSequences, truncation);
    }
}
