// Spec of inverted dropout: {"type": "dropout", "rate": 0.5}.
package io.neurostream.core.spec;

import io.neurostream.core.layers.Dropout;
import io.neurostream.core.layers.Layer;
import io.neurostream.core.tensor.Shape;
import java.util.List;

/** @param rate probability that a value is dropped in training, in [0, 1) */
public record DropoutSpec(double rate) implements LayerSpec {
    public static final String TYPE = "dropout";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<Layer> build(Shape input, BuildContext context, String path) {
        return List.of(new Dropout(rate, input, context.dataType()));
    }

    static DropoutSpec parse(SpecNode node) {
        double rate = node.requireDouble("rate", 0.0, 0.99);
        node.rejectUnknownFields();
        return new DropoutSpec(rate);
    }
}
