// The contract of every layer: forward caches what backward needs; backward returns dIn and adds to parameter gradients.
package io.neurostream.core.layers;

import io.neurostream.core.params.ParamSpec;
import io.neurostream.core.params.ParamViews;
import io.neurostream.core.tensor.Shape;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A layer maps a batch [B, ...inputShape] to [B, ...outputShape]. A layer is built for one input
 * shape; its parameters are declared by {@link #params()} and handed back as views of the
 * network's flat buffers through {@link #bind(ParamViews)}.
 *
 * <p>Buffers: the array returned by {@code forward} or {@code backward} belongs to the layer and
 * stays valid until the layer's next call with the same batch size. Layers allocate nothing per
 * call once warmed up (see {@link io.neurostream.core.tensor.Buffers}).
 */
public interface Layer {

    /** Short description for errors and summaries, e.g. "dense(784->128)". */
    String describe();

    /** One sample's output shape. */
    Shape outputShape();

    /** Parameters this layer owns, with layer-local names. Empty for parameter-free layers. */
    default List<ParamSpec> params() {
        return List.of();
    }

    /**
     * Values per sample that the layer allocates besides its output and its input gradient (a recurrent
     * layer's per-step arrays), counted by {@link io.neurostream.core.spec.ModelFootprint} against the
     * activation limit; an upper bound.
     */
    default long workspaceValues() {
        return 0;
    }

    /** Receives the views of its parameters (called once, before the first forward). */
    default void bind(ParamViews views) {}

    /**
     * Whether a training pass computes a different output than a prediction pass (dropout, batch
     * statistics). When no layer does, a prequential step predicts and trains from one forward pass.
     */
    default boolean trainingChangesForward() {
        return false;
    }

    /**
     * Sets initial values that a per-parameter {@link io.neurostream.core.params.Init} cannot
     * express (an LSTM's forget-gate bias of 1); called once, after the parameters are drawn.
     */
    default void initializeParams() {}

    /** [B, ...in] -> [B, ...out]; caches what {@link #backward} needs. */
    INDArray forward(INDArray input, Pass pass);

    /**
     * Back-propagates dL/dOut [B, ...out] of the last training forward: adds dL/dParams to the
     * parameter gradients and returns dL/dIn [B, ...in], or null when {@code needInputGradient}
     * is false (the first layer: saves a matrix product).
     */
    INDArray backward(INDArray dOut, boolean needInputGradient);
}
