// Updates the flat parameter buffer from the flat gradient buffer; knows nothing of layers.
package io.neurostream.core.optim;

import io.neurostream.core.params.HostParams;
import io.neurostream.core.params.Params;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An optimizer sees (values, gradients) as two flat arrays [P]. Its own state (momentum, Adam
 * moments) is allocated on the first update and saved with the model by the codec.
 */
public interface Optimizer {

    /** Spec name, e.g. "sgd" or "adam". */
    String specName();

    /** The learning rate of update number {@code step} (1-based), after any decay. */
    double learningRate(long step);

    /**
     * Applies one update, {@code step} being its 1-based number, unless a gradient is not finite:
     * then it returns false and changes nothing (not the values, not its own state).
     */
    default boolean update(Params params, long step) {
        if (!params.gradientsFinite()) {
            return false;
        }
        apply(params, step);
        return true;
    }

    /** Applies one update to finite gradients; {@code step} is its 1-based number. */
    void apply(Params params, long step);

    /**
     * The same on a float32 network's host copies (a network that computes on the heap): the
     * values change in {@code host} only.
     */
    default boolean update(HostParams host, long step) {
        if (!host.gradientsFinite()) {
            return false;
        }
        apply(host, step);
        return true;
    }

    /** Applies one update to finite gradients held on the heap. */
    void apply(HostParams host, long step);

    /** The state arrays allocated so far, by name, in a fixed order (empty before the first update). */
    Map<String, INDArray> state();

    /** Restores one state array saved by {@link #state()}; it must have the parameters' length. */
    void restoreState(String name, INDArray flat);
}
