// The configuration of one layer in a model spec; builds the runtime layer(s) for an input shape.
package io.neurostream.core.spec;

import io.neurostream.core.layers.Layer;
import io.neurostream.core.tensor.Shape;
import java.util.List;

/**
 * Config classes are named *Spec; the runtime classes they build are not (DenseSpec -> Dense).
 * One spec may build several layers (a dense layer with an activation builds Dense + ActivationLayer).
 */
public interface LayerSpec {

    /** The "type" field, e.g. "dense". */
    String type();

    /**
     * Builds the runtime layers for one sample's input shape.
     *
     * @param path where this layer sits in the spec, e.g. "layers[2]", for errors
     * @throws SpecException when the input shape does not suit this layer
     */
    List<Layer> build(Shape input, BuildContext context, String path);
}
