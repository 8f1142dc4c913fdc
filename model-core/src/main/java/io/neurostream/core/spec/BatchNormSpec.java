// Spec of batch normalisation: {"type": "batch_norm", "momentum": 0.9, "epsilon": 1e-5}.
package io.neurostream.core.spec;

import io.neurostream.core.layers.BatchNorm;
import io.neurostream.core.layers.Layer;
import io.neurostream.core.tensor.Shape;
import java.util.List;

/**
 * Per channel on [C, H, W] input, per feature on [C] input.
 *
 * @param momentum weight of the old running average in each update, in [0, 1)
 * @param epsilon  added to the variance before the square root
 */
public record BatchNormSpec(double momentum, double epsilon) implements LayerSpec {
    public static final String TYPE = "batch_norm";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<Layer> build(Shape input, BuildContext context, String path) {
        if (input.rank() != 1 && input.rank() != 3) {
            throw new SpecException(path, "batch_norm needs [C] or [C, H, W] input, got " + input);
        }
        return List.of(new BatchNorm(input, momentum, epsilon, context.dataType()));
    }

    static BatchNormSpec parse(SpecNode node) {
        double momentum = node.optDouble("momentum", 0.9, 0.0, 0.999999);
        double epsilon = node.optDouble("epsilon", 1e-5, Double.MIN_VALUE, 1.0);
        node.rejectUnknownFields();
        return new BatchNormSpec(momentum, epsilon);
    }
}
