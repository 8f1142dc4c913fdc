// Spec of a 2-D convolution with its activation: {"type": "conv2d", "filters": 6, "kernel": 5, "stride": 1, "padding": "same", "activation": "relu"}.
package io.neurostream.core.spec;

import io.neurostream.core.activations.Activation;
import io.neurostream.core.layers.ActivationLayer;
import io.neurostream.core.layers.Conv2D;
import io.neurostream.core.layers.Layer;
import io.neurostream.core.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Conv2D} on [C, H, W] input followed by its activation (default identity).
 *
 * @param kernel  side of the square kernel
 * @param padding zero padding on every side, or {@link Conv2D#SAME} ("same"); "valid" is 0
 */
public record Conv2DSpec(int filters, int kernel, int stride, int padding, String activation, double alpha) implements LayerSpec {
    public static final String TYPE = "conv2d";
    static final List<String> PADDING_NAMES = List.of("same", "valid");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<Layer> build(Shape input, BuildContext context, String path) {
        if (input.rank() != 3) {
            throw new SpecException(path, "conv2d needs [C, H, W] input, got " + input + " (an image input is e.g. \"shape\": [1, 28, 28])");
        }
        int outHeight = Conv2D.outputSize(input.dim(1), kernel, stride, padding);
        int outWidth = Conv2D.outputSize(input.dim(2), kernel, stride, padding);
        if (outHeight < 1 || outWidth < 1) {
            throw new SpecException(path + ".kernel", "a " + kernel + "x" + kernel + " kernel with padding " + padding
                    + " does not fit input " + input);
        }
        Activation f = Activation.fromSpecName(activation);
        Conv2D conv = new Conv2D(input, filters, kernel, stride, padding, context.weightInit(f), context.dataType());
        List<Layer> layers = new ArrayList<>();
        layers.add(conv);
        if (f != Activation.IDENTITY) {
            layers.add(new ActivationLayer(f, alpha, conv.outputShape(), context.dataType()));
        }
        return layers;
    }

    static Conv2DSpec parse(SpecNode node) {
        int filters = node.requireInt("filters", 1);
        int kernel = node.requireInt("kernel", 1);
        int stride = node.optInt("stride", 1, 1);
        String padding = node.optIntOrChoice("padding", "valid", 0, PADDING_NAMES);
        String activation = node.optChoice("activation", Activation.IDENTITY.specName(), ActivationSpec.NAMES);
        double alpha = node.optDouble("alpha", Activation.DEFAULT_LEAKY_ALPHA, 0.0, 1.0);
        node.rejectUnknownFields();
        int pad = switch (padding) {
            case "same" -> Conv2D.SAME;
            case "valid" -> 0;
            default -> Integer.parseInt(padding);
        };
        return new Conv2DSpec(filters, kernel, stride, pad, activation, alpha);
    }
}
