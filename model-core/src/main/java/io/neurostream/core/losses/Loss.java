// A loss function on [N, K] network outputs, with its gradient; N rows are samples (or time steps).
package io.neurostream.core.losses;

import io.neurostream.core.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The network's objective is the mean over rows of a per-row loss. Some losses fuse with the
 * final activation (softmax + cross-entropy, sigmoid + binary cross-entropy): they then compute
 * the loss stably from the activation's input z (the logits) and give dL/dz directly, which is
 * both cheaper and free of log(0).
 */
public interface Loss {

    /** Spec name, e.g. "cross_entropy". */
    String specName();

    /** Whether this loss takes over the derivative of the given final activation. */
    boolean fusesWith(Activation finalActivation);

    /**
     * Per-row losses into {@code perRow} [N] and their mean.
     *
     * @param z      input of the final activation [N, K] (the logits) when fused, else null
     * @param out    network output [N, K]
     * @param target expected output [N, K] (one-hot for classes)
     */
    double forward(INDArray z, INDArray out, INDArray target, INDArray perRow);

    /**
     * Gradient of the mean loss: dL/dz when fused, else dL/dOut, written into {@code grad} [N, K].
     */
    void backward(INDArray z, INDArray out, INDArray target, INDArray grad);
}
