// Spec of a learned embedding: {"type": "embedding", "units": 16} on an input {"shape": [T], "vocabulary": V}.
package io.neurostream.core.spec;

import io.neurostream.core.layers.Embedding;
import io.neurostream.core.layers.Layer;
import io.neurostream.core.tensor.Shape;
import java.util.List;

/** Token indices [T] to vectors [T, units], one learned row per token. */
public record EmbeddingSpec(int units) implements LayerSpec {
    public static final String TYPE = "embedding";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<Layer> build(Shape input, BuildContext context, String path) {
        int steps = TokenInputs.steps(TYPE, input, context, path);
        return List.of(new Embedding(steps, context.vocabulary(), units, context.weightInit(null), context.dataType()));
    }

    static EmbeddingSpec parse(SpecNode node) {
        int units = node.requireInt("units", 1);
        node.rejectUnknownFields();
        return new EmbeddingSpec(units);
    }
}
