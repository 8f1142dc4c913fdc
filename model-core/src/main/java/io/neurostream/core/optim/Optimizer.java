// Updates a network's (value, gradient) chunks; knows nothing of layers.
package io.neurostream.core.optim;

import io.neurostream.core.params.HostParams;
import io.neurostream.core.params.Params;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An optimizer sees a list of (value, gradient) chunks ({@link HostParams}) and updates each
 * value from its gradient in one loop. Its own state (momentum, Adam moments) is allocated on the
 * first update, in the same chunks, and saved with the model by the codec.
 */
public interface Optimizer {

    /** Spec name, e.g. "sgd" or "adam". */
    String specName();

    /** The learning rate of update number {@code step} (1-based), after any decay. */
    double learningRate(long step);

    /**
     * A new optimizer of the same kind whose learning-rate schedule advances {@code stride} updates per update
     * ({@link LearningRate#strided}); its state starts empty. Stride 1 is this optimizer's schedule.
     */
    Optimizer withScheduleStride(int stride);

    /**
     * Applies one update, {@code step} being its 1-based number, unless a gradient is not finite:
     * then it returns false and changes nothing (not the values, not its own state).
     */
    default boolean update(HostParams chunks, long step) {
        if (!chunks.gradientsFinite()) {
            return false;
        }
        apply(chunks, step);
        return true;
    }

    /** The same on a network's flat buffers, through their chunks ({@link Params#chunks()}). */
    default boolean update(Params params, long step) {
        HostParams chunks = params.chunks();
        chunks.loadValues(params);
        chunks.loadGradients(params);
        if (!update(chunks, step)) {
            return false;
        }
        chunks.storeValues(params);
        return true;
    }

    /** Applies one update to finite gradients; {@code step} is its 1-based number. */
    void apply(HostParams chunks, long step);

    /** The state arrays allocated so far, by name, in a fixed order (empty before the first update). */
    Map<String, INDArray> state();

    /** Restores one state array saved by {@link #state()}; it must have the parameters' length. */
    void restoreState(String name, INDArray flat);
}
