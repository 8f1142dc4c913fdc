// Spec of a bidirectional wrapper: {"type": "bidirectional", "layer": {"type": "lstm", "units": 32, "return_sequences": true}}.
package io.neurostream.core.spec;

import io.neurostream.core.layers.Bidirectional;
import io.neurostream.core.layers.Layer;
import io.neurostream.core.tensor.Shape;
import java.util.List;

/** Two copies of a recurrent layer, one reading the sequence backwards; outputs concatenated to 2 * units. */
public record BidirectionalSpec(RecurrentSpec layer) implements LayerSpec {
    public static final String TYPE = "bidirectional";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<Layer> build(Shape input, BuildContext context, String path) {
        String inner = path + ".layer";
        return List.of(new Bidirectional(layer.buildCell(input, context, inner, false),
                layer.buildCell(input, context, inner, true), context.dataType()));
    }

    static BidirectionalSpec parse(SpecNode node) {
        RecurrentSpec layer = RecurrentSpec.parse(node.object("layer"));
        node.rejectUnknownFields();
        return new BidirectionalSpec(layer);
    }
}
