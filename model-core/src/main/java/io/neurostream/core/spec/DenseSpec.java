// Spec of a fully connected layer with its activation: {"type": "dense", "units": 128, "activation": "relu"}.
package io.neurostream.core.spec;

import io.neurostream.core.activations.Activation;
import io.neurostream.core.layers.ActivationLayer;
import io.neurostream.core.layers.Dense;
import io.neurostream.core.layers.Layer;
import io.neurostream.core.layers.Maxout;
import io.neurostream.core.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * A dense layer of {@code units} outputs followed by its activation. Maxout builds a dense layer
 * of units * pieces outputs and a {@link Maxout} over each group of pieces. A multi-dimensional
 * input (e.g. conv feature maps) is flattened.
 *
 * @param alpha     leaky ReLU slope for z < 0
 * @param pieces    maxout pieces per unit
 * @param fixedBias the bias keeps its initial value (as in the course's worked example)
 */
public record DenseSpec(int units, String activation, double alpha, int pieces, boolean fixedBias) implements LayerSpec {
    public static final String TYPE = "dense";
    public static final String MAXOUT = "maxout";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<Layer> build(Shape input, BuildContext context, String path) {
        boolean maxout = activation.equals(MAXOUT);
        Activation f = maxout ? null : Activation.fromSpecName(activation);
        int denseUnits = maxout ? units * pieces : units;
        List<Layer> layers = new ArrayList<>();
        layers.add(new Dense(input.size(), denseUnits, context.weightInit(f), fixedBias, context.dataType()));
        if (maxout) {
            layers.add(new Maxout(units, pieces, context.dataType()));
        } else if (f != Activation.IDENTITY) {
            layers.add(new ActivationLayer(f, alpha, Shape.of(units), context.dataType()));
        }
        return layers;
    }

    static DenseSpec parse(SpecNode node) {
        int units = node.requireInt("units", 1);
        String activation = node.optChoice("activation", Activation.IDENTITY.specName(), ActivationSpec.NAMES_WITH_MAXOUT);
        double alpha = node.optDouble("alpha", Activation.DEFAULT_LEAKY_ALPHA, 0.0, 1.0);
        int pieces = activation.equals(MAXOUT) ? node.optInt("pieces", 2, 2) : 1;
        boolean fixedBias = node.optBoolean("fixed_bias", false);
        if ((long) units * pieces > Integer.MAX_VALUE) {
            throw new SpecException(node.pathOf("pieces"), "units x pieces must be at most " + Integer.MAX_VALUE + ", got " + units + " x " + pieces);
        }
        node.rejectUnknownFields();
        return new DenseSpec(units, activation, alpha, pieces, fixedBias);
    }
}
