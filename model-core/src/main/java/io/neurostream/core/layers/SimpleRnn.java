// The course's simple (Elman) recurrent layer: h_t = tanh(x_t Wx + h_{t-1} Wh + b).
package io.neurostream.core.layers;

import io.neurostream.core.params.Init;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.TanhDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One block of H tanh units fed by the input and by its own previous output. Backward:
 * dL/dz_t = dL/dh_t * (1 - h_t^2), with dL/dh_t the sum of the layer above's gradient at t and
 * dL/dz_{t+1} Wh^T from the next step (see {@link Recurrent}).
 */
public final class SimpleRnn extends Recurrent {

    public SimpleRnn(int steps, int inputSize, int units, boolean returnSequences, boolean reverse, int truncation,
                     Init init, DataType dataType) {
        super(steps, inputSize, units, 1, returnSequences, reverse, truncation, init, dataType);
    }

    @Override
    protected String kind() {
        return "simple_rnn";
    }

    @Override
    protected boolean hasCellState() {
        return false;
    }

    @Override
    protected void stepForward(Workspace w, int t, INDArray z, INDArray cPrev, INDArray c, INDArray h) {
        Nd4j.exec(new Tanh(z, h)); // h_t [B, H]; z stays for backward
    }

    @Override
    protected void stepBackward(Workspace w, Gradients g, int t, INDArray dh, INDArray dcNext, INDArray dz) {
        Nd4j.exec(new TanhDerivative(w.zStep[t], dh, dz)); // (1 - tanh²(z_t)) dL/dh_t
    }
}
