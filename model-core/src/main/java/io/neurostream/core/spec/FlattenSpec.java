// Spec of a flatten layer: {"type": "flatten"}; [C, H, W] -> [C*H*W].
package io.neurostream.core.spec;

import io.neurostream.core.layers.Flatten;
import io.neurostream.core.layers.Layer;
import io.neurostream.core.tensor.Shape;
import java.util.List;

/** No fields. (A dense layer flattens its input by itself; this makes the step explicit.) */
public record FlattenSpec() implements LayerSpec {
    public static final String TYPE = "flatten";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<Layer> build(Shape input, BuildContext context, String path) {
        return List.of(new Flatten(input));
    }

    static FlattenSpec parse(SpecNode node) {
        node.rejectUnknownFields();
        return new FlattenSpec();
    }
}
