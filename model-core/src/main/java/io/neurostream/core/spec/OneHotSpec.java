// Spec of the one-hot token layer: {"type": "one_hot"} on an input {"shape": [T], "vocabulary": V}.
package io.neurostream.core.spec;

import io.neurostream.core.layers.Layer;
import io.neurostream.core.layers.OneHot;
import io.neurostream.core.tensor.Shape;
import java.util.List;

/** Token indices [T] to one-hot vectors [T, V]; no fields besides "type". */
public record OneHotSpec() implements LayerSpec {
    public static final String TYPE = "one_hot";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<Layer> build(Shape input, BuildContext context, String path) {
        int steps = TokenInputs.steps(TYPE, input, context, path);
        return List.of(new OneHot(steps, context.vocabulary(), context.dataType()));
    }

    static OneHotSpec parse(SpecNode node) {
        node.rejectUnknownFields();
        return new OneHotSpec();
    }
}
