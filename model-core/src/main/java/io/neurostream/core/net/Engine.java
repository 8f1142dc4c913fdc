// How a network computes a pass: the ND4J layers, or loops over Java arrays for a small float32 dense stack; chosen once per network.
package io.neurostream.core.net;

import io.neurostream.core.layers.Pass;
import io.neurostream.core.optim.Optimizer;
import io.neurostream.core.params.Params;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The four steps of training (forward, loss, backward, update) over one set of layers, loss and
 * parameters. {@link Network} picks one engine when it is built and calls it without asking which:
 * {@link Nd4jEngine} runs the layers' ND4J ops, {@link HeapEngine} the same operations' row loops
 * (the second variant each {@link io.neurostream.core.activations.Activation} and
 * {@link io.neurostream.core.losses.Loss} implements beside its ND4J ops). Their results agree to
 * float32 rounding, not bit for bit, so a network keeps its engine for life.
 */
interface Engine {

    /** [B, ...in] -> [B, ...out]; the array belongs to the engine until its next forward. */
    INDArray forward(INDArray input, Pass pass);

    /** Per-row losses of the last forward pass against {@code targets} into {@code perRow} [rows]; returns their mean. */
    double loss(INDArray targets, INDArray perRow);

    /** Back-propagates the mean loss of the last training forward and {@link #loss} into the zeroed gradients. */
    void backward(INDArray targets);

    /** One optimizer update of the parameters from their gradients, unless one is not finite (then false, nothing changed). */
    boolean update(Optimizer optimizer, long step);

    /**
     * The network's parameters, holding this engine's latest values and gradients; the caller
     * may read and write them until the engine's next pass, which computes with what they hold.
     */
    Params params();
}
