// Spec of max pooling: {"type": "max_pool2d", "window": 2, "stride": 2} (stride defaults to the window).
package io.neurostream.core.spec;

import io.neurostream.core.layers.Layer;
import io.neurostream.core.layers.MaxPool2D;
import io.neurostream.core.tensor.Shape;
import java.util.List;

/** A {@link MaxPool2D} on [C, H, W] input, no padding. */
public record MaxPool2DSpec(int window, int stride) implements LayerSpec {
    public static final String TYPE = "max_pool2d";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<Layer> build(Shape input, BuildContext context, String path) {
        if (input.rank() != 3) {
            throw new SpecException(path, "max_pool2d needs [C, H, W] input, got " + input);
        }
        if (window > input.dim(1) || window > input.dim(2)) {
            throw new SpecException(path + ".window", "must fit the input " + input + ", got " + window);
        }
        return List.of(new MaxPool2D(input, window, stride, context.dataType()));
    }

    static MaxPool2DSpec parse(SpecNode node) {
        int window = node.requireInt("window", 1);
        int stride = node.optInt("stride", window, 1);
        node.rejectUnknownFields();
        return new MaxPool2DSpec(window, stride);
    }
}
