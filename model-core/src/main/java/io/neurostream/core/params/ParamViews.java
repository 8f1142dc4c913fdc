// A layer's window onto the network's parameters: views by the layer's own parameter names.
package io.neurostream.core.params;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Resolves a layer-local name ("W") to the network-wide one ("3.W") and returns views. */
public final class ParamViews {
    private final Params params;
    private final String prefix;

    ParamViews(Params params, String prefix) {
        this.params = params;
        this.prefix = prefix;
    }

    public INDArray value(String name) {
        return params.value(prefix + "." + name);
    }

    public INDArray gradient(String name) {
        return params.gradient(prefix + "." + name);
    }

    /** Views for a nested layer (e.g. the two directions of a bidirectional wrapper). */
    public ParamViews scoped(String name) {
        return new ParamViews(params, prefix + "." + name);
    }
}
