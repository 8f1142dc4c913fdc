// A loss's row variant on [N, K] float32 arrays: the per-row losses and the gradient computed on heap copies of the rows.
package io.neurostream.core.losses;

import io.neurostream.core.tensor.HostCopy;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The same contract as {@link Loss#forward(INDArray, INDArray, INDArray, INDArray, io.neurostream.core.tensor.Buffers)}
 * and its backward, through the loss's row loops: the float32 array engine's choice, made once per network. On a
 * classifier's small [B, K] output the ND4J variant's eight ops cost far more in dispatch than copying the rows
 * and looping.
 */
public final class RowLoss {
    private final Loss loss;
    private float[] zFlat = new float[0];   // [N*K] logits (fused), else unused
    private float[] outFlat = new float[0]; // [N*K]
    private float[] targetFlat = new float[0];
    private float[] gradFlat = new float[0];
    private float[] perRow = new float[0];  // [N] (the first N of a buffer that may be longer)
    private float[] z = new float[0];       // one row [K] of each
    private float[] out = new float[0];
    private float[] target = new float[0];
    private float[] grad = new float[0];

    public RowLoss(Loss loss) {
        this.loss = loss;
    }

    /** Per-row losses into {@code perRowOut} [N] and their mean; z is null unless fused (see {@link Loss}). */
    public double forward(INDArray zs, INDArray outs, INDArray targets, INDArray perRowOut) {
        int rows = load(zs, outs, targets);
        int k = out.length;
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            row(r, k);
            perRow[r] = loss.forward(zs == null ? null : z, out, target);
            sum += perRow[r];
        }
        HostCopy.write(perRow, perRowOut);
        return sum / rows;
    }

    /** The gradient of the mean loss over the N rows into {@code gradOut} [N, K]: dL/dz when fused, else dL/dOut. */
    public void backward(INDArray zs, INDArray outs, INDArray targets, INDArray gradOut) {
        int rows = load(zs, outs, targets);
        int k = out.length;
        for (int r = 0; r < rows; r++) {
            row(r, k);
            loss.backward(zs == null ? null : z, out, target, rows, grad);
            System.arraycopy(grad, 0, gradFlat, r * k, k);
        }
        HostCopy.write(gradFlat, gradOut);
    }

    /** Copies the arrays to the heap; returns N. The buffers only grow, so alternating batch sizes allocate nothing. */
    private int load(INDArray zs, INDArray outs, INDArray targets) {
        int rows = Math.toIntExact(outs.size(0));
        int k = Math.toIntExact(outs.size(1));
        if (outFlat.length < rows * k || out.length != k) {
            zFlat = new float[rows * k];
            outFlat = new float[rows * k];
            targetFlat = new float[rows * k];
            gradFlat = new float[rows * k];
            perRow = new float[rows];
            z = new float[k];
            out = new float[k];
            target = new float[k];
            grad = new float[k];
        }
        if (zs != null) {
            HostCopy.read(zs, zFlat);
        }
        HostCopy.read(outs, outFlat);
        HostCopy.read(targets, targetFlat);
        return rows;
    }

    /** Row r of the heap copies into the row arrays. */
    private void row(int r, int k) {
        System.arraycopy(zFlat, r * k, z, 0, k);
        System.arraycopy(outFlat, r * k, out, 0, k);
        System.arraycopy(targetFlat, r * k, target, 0, k);
    }
}
