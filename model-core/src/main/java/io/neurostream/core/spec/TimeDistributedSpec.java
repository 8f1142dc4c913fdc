// Spec of a dense layer applied at every time step: {"type": "time_distributed", "units": 65, "activation": "softmax"}.
package io.neurostream.core.spec;

import io.neurostream.core.activations.Activation;
import io.neurostream.core.layers.ActivationLayer;
import io.neurostream.core.layers.Dense;
import io.neurostream.core.layers.Layer;
import io.neurostream.core.layers.TimeDistributed;
import io.neurostream.core.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The output of a sequence-to-sequence model: [T, D] -> [T, units], the same dense layer at every
 * step, then the activation (softmax per step). With a cross-entropy loss every step is one row,
 * so the loss is averaged over steps and samples. Without "units" a token model predicts one of
 * its input's tokens: units = input.vocabulary (a next-character model).
 *
 * @param units 0 when taken from the input vocabulary
 */
public record TimeDistributedSpec(int units, Activation activation, double alpha) implements LayerSpec {
    public static final String TYPE = "time_distributed";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<Layer> build(Shape input, BuildContext context, String path) {
        TokenInputs.requireSequence(TYPE, input, context, path);
        int outputs = units > 0 ? units : context.vocabulary();
        if (outputs < 1) {
            throw new SpecException(path + ".units", "missing required field (it defaults to input.vocabulary only for token inputs)");
        }
        int steps = input.dim(0);
        int features = input.dim(1);
        List<Layer> layers = new ArrayList<>();
        layers.add(new TimeDistributed(new Dense(features, outputs, context.weightInit(activation), false, context.dataType()),
                steps, features));
        if (activation != Activation.IDENTITY) {
            layers.add(new ActivationLayer(activation, alpha, Shape.of(steps, outputs), context.dataType()));
        }
        return layers;
    }

    static TimeDistributedSpec parse(SpecNode node) {
        int units = node.optInt("units", 0, 1);
        Activation activation = Activation.fromSpecName(node.optChoice("activation", Activation.IDENTITY.specName(), ActivationSpec.NAMES));
        double alpha = node.optDouble("alpha", Activation.DEFAULT_LEAKY_ALPHA, 0.0, 1.0);
        node.rejectUnknownFields();
        return new TimeDistributedSpec(units, activation, alpha);
    }
}
