// The ND4J engine: each layer's forward in order, the loss, each layer's backward in reverse, the optimizer on the flat parameters.
package io.neurostream.core.net;

import io.neurostream.core.Nd4jRuntime;
import io.neurostream.core.layers.ActivationLayer;
import io.neurostream.core.layers.Layer;
import io.neurostream.core.layers.Pass;
import io.neurostream.core.losses.Loss;
import io.neurostream.core.losses.RowLoss;
import io.neurostream.core.optim.Optimizer;
import io.neurostream.core.params.Params;
import io.neurostream.core.tensor.Buffers;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Back-propagation folds the final activation's derivative into the loss when they fuse (softmax
 * + cross-entropy) and stops at the lowest layer with parameters. In float32 the loss runs its row
 * loops ({@link RowLoss}), in float64 its ND4J ops. Every layer type runs here; the
 * float64 gradient checks verify each layer's backward against central differences.
 */
final class Nd4jEngine implements Engine {
    private final List<Layer> layers;
    private final Params params;
    private final Loss loss;
    private final RowLoss rowLoss; // float32: the loss's row loops, else null (its ND4J ops)
    private final Buffers buffers;
    private final boolean lossFusesFinalActivation;
    private final int lowestTrainableLayer; // back-propagation stops here: nothing below has parameters
    private INDArray lastOutput; // [B, ...out] of the last forward pass; belongs to the last layer

    Nd4jEngine(List<Layer> layers, Params params, Loss loss) {
        this.layers = layers;
        this.params = params;
        this.loss = loss;
        this.rowLoss = params.dataType() == DataType.FLOAT ? new RowLoss(loss) : null;
        this.buffers = new Buffers(params.dataType());
        this.lossFusesFinalActivation = layers.get(layers.size() - 1) instanceof ActivationLayer a && loss.fusesWith(a.activation());
        int lowest = 0;
        while (lowest < layers.size() - 1 && layers.get(lowest).params().isEmpty()) {
            lowest++;
        }
        this.lowestTrainableLayer = lowest;
    }

    @Override
    public INDArray forward(INDArray input, Pass pass) {
        Nd4jRuntime.ensureConfigured(); // OpenMP's bound is per thread: a stream thread may not be the creator
        INDArray x = input;
        for (Layer layer : layers) {
            x = layer.forward(x, pass);
        }
        lastOutput = x;
        return x;
    }

    @Override
    public double loss(INDArray targets, INDArray perRow) {
        return rowLoss != null ? rowLoss.forward(logitsOrNull(), as2d(lastOutput), as2d(targets), perRow)
                : loss.forward(logitsOrNull(), as2d(lastOutput), as2d(targets), perRow, buffers);
    }

    @Override
    public void backward(INDArray targets) {
        params.zeroGradients();
        INDArray out2d = as2d(lastOutput);
        INDArray grad = buffers.get("dOut", out2d.shape());
        if (rowLoss != null) {
            rowLoss.backward(logitsOrNull(), out2d, as2d(targets), grad);
        } else {
            loss.backward(logitsOrNull(), out2d, as2d(targets), grad, buffers);
        }
        INDArray dOut = grad.reshape('c', lastOutput.shape());
        int first = layers.size() - (lossFusesFinalActivation ? 2 : 1);
        for (int i = first; i >= lowestTrainableLayer; i--) {
            dOut = layers.get(i).backward(dOut, i > lowestTrainableLayer);
        }
    }

    @Override
    public boolean update(Optimizer optimizer, long step) {
        return optimizer.update(params, step);
    }

    @Override
    public Params params() {
        return params;
    }

    /** The final activation's input (the logits) as [rows, K] when the loss fuses with it, else null. */
    private INDArray logitsOrNull() {
        return lossFusesFinalActivation ? as2d(((ActivationLayer) layers.get(layers.size() - 1)).lastInput()) : null;
    }

    /** [B, ..., K] -> [rows, K] (a view; sequence outputs put every time step on its own row). */
    static INDArray as2d(INDArray a) {
        if (a.rank() == 2) {
            return a;
        }
        long k = a.size(a.rank() - 1);
        return a.reshape('c', a.length() / k, k);
    }
}
