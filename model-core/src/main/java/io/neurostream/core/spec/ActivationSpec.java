// Spec of a stand-alone activation layer: {"type": "activation", "activation": "tanh"}.
package io.neurostream.core.spec;

import io.neurostream.core.activations.Activation;
import io.neurostream.core.layers.ActivationLayer;
import io.neurostream.core.layers.Layer;
import io.neurostream.core.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** An element-wise activation (softmax along the last axis) on any input shape. */
public record ActivationSpec(Activation activation, double alpha) implements LayerSpec {
    public static final String TYPE = "activation";
    static final List<String> NAMES = Arrays.stream(Activation.values()).map(Activation::specName).toList();
    static final List<String> NAMES_WITH_MAXOUT = withMaxout();

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<Layer> build(Shape input, BuildContext context, String path) {
        return List.of(new ActivationLayer(activation, alpha, input, context.dataType()));
    }

    static ActivationSpec parse(SpecNode node) {
        Activation activation = Activation.fromSpecName(node.requireChoice("activation", NAMES));
        double alpha = node.optDouble("alpha", Activation.DEFAULT_LEAKY_ALPHA, 0.0, 1.0);
        node.rejectUnknownFields();
        return new ActivationSpec(activation, alpha);
    }

    private static List<String> withMaxout() {
        List<String> names = new ArrayList<>(NAMES);
        names.add(DenseSpec.MAXOUT);
        return List.copyOf(names);
    }
}
