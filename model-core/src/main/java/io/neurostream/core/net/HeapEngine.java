// The heap engine: a float32 stack of dense layers and activations computed with loops over Java arrays.
package io.neurostream.core.net;

import io.neurostream.core.activations.Activation;
import io.neurostream.core.layers.ActivationLayer;
import io.neurostream.core.layers.Dense;
import io.neurostream.core.layers.Layer;
import io.neurostream.core.layers.Pass;
import io.neurostream.core.losses.Loss;
import io.neurostream.core.optim.Optimizer;
import io.neurostream.core.params.HostParams;
import io.neurostream.core.params.Params;
import io.neurostream.core.tensor.Buffers;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The same forward pass, loss and back-propagation as {@link Nd4jEngine}, for networks made only
 * of {@link Dense} layers and activations, in float32 at small batches, from the row variants that
 * {@link Dense}, each {@link Activation} and each {@link Loss} implement beside their ND4J ops.
 * There, ND4J's fixed cost per op (~10 µs, some twenty ops a step) outweighs the arithmetic:
 * mnist-mlp at batch 1 spent ~0.3 ms in forward and backward, which loops over Java arrays do in
 * ~25 µs. It computes with the parameters as rows on the heap ({@link HostParams}), which the
 * optimizer updates in place; {@link #params()} copies them to the flat buffers when asked. The results differ from the ND4J engine's in the last bits (another
 * order of summation), so a network computes with one engine only, chosen from its spec
 * ({@link #supports}): its runs stay bit-identical.
 */
final class HeapEngine implements Engine {
    /** Largest spec batch size computed on the heap: above it, ND4J's BLAS is faster (see the README's figures). */
    static final int MAX_BATCH = 32;

    private final List<Stage> stages = new ArrayList<>();
    private final Loss loss;
    private final Activation fused; // the final activation when the loss takes it over (computed from the logits), else null
    private final float fusedAlpha;
    private final Params flat;        // the network's parameters
    private final HostParams params;  // their rows on the heap, which the loops compute with
    private Newest newest = Newest.FLAT;
    private final int inputs;
    private final int outputs;
    private final Buffers buffers = new Buffers(DataType.FLOAT);
    private final Map<String, float[][]> scratch = new HashMap<>();
    private float[][] input = new float[0][];
    private float[][] output;  // [B][outputs]: the network's output (after a fused final activation)
    private float[][] logits;  // [B][outputs]: input of a fused final activation, else null
    private float[] perRow = new float[0];
    private float[][] targets;                // [B][outputs]: the targets of the last loss, which backward uses
    private int batch;

    /**
     * Which copy of the parameters is newer: after a backward pass or an update the heap rows (values and gradients);
     * once {@link #params()} has handed out the flat buffers, those, since the caller may have written them.
     */
    private enum Newest { SAME, ROWS, FLAT }

    /** Whether these layers, in this data type and at this batch size, compute on the heap. */
    static boolean supports(List<Layer> layers, DataType dataType, int batchSize) {
        return dataType == DataType.FLOAT && batchSize <= MAX_BATCH && layers.get(0) instanceof Dense
                && layers.stream().allMatch(l -> l instanceof Dense || l instanceof ActivationLayer);
    }

    HeapEngine(List<Layer> layers, Loss loss, Params flat) {
        this.flat = flat;
        this.loss = loss;
        ActivationLayer last = layers.get(layers.size() - 1) instanceof ActivationLayer a && loss.fusesWith(a.activation()) ? a : null;
        this.fused = last == null ? null : last.activation();
        this.fusedAlpha = last == null ? 0f : (float) last.alpha();
        this.params = HostParams.of(flat, true);
        int chunk = 0;
        int width = ((Dense) layers.get(0)).inputs();
        this.inputs = width;
        for (int i = 0; i < layers.size() - (fused != null ? 1 : 0); i++) {
            if (layers.get(i) instanceof Dense d) {
                stages.add(new DenseStage(d, chunk, stages.isEmpty()));
                chunk += d.inputs() + 1;
                width = d.units();
            } else {
                ActivationLayer a = (ActivationLayer) layers.get(i);
                if (a.activation() != Activation.IDENTITY) {
                    stages.add(new ActivationStage(a.activation(), (float) a.alpha(), width));
                }
            }
        }
        this.outputs = width;
        if (chunk != params.chunks()) {
            throw new IllegalStateException("dense layers hold " + chunk + " parameter chunks, the network " + params.chunks());
        }
    }

    @Override
    public Params params() {
        if (newest == Newest.ROWS) {
            params.storeValues(flat);
            params.storeGradients(flat);
        }
        newest = Newest.FLAT;
        return flat;
    }

    @Override
    public boolean update(Optimizer optimizer, long step) {
        newest = Newest.ROWS;
        return optimizer.update(params, step);
    }

    /** Forward pass of a [B, ...] float32 input (no layer here draws from the pass's generator); returns the output [B, K]. */
    @Override
    public INDArray forward(INDArray in, Pass pass) {
        if (newest == Newest.FLAT) {
            params.loadValues(flat);
            newest = Newest.SAME;
        }
        batch = Math.toIntExact(in.size(0));
        if (input.length < batch) {
            input = rows(batch, inputs);
            perRow = new float[batch];
        }
        copyRows(in, inputs, input, batch);
        float[][] x = input;
        for (Stage stage : stages) {
            x = stage.forward(x, batch);
        }
        logits = null;
        output = x;
        if (fused != null) {
            logits = x;
            output = buffer("probabilities", batch, outputs);
            for (int b = 0; b < batch; b++) {
                fused.forward(logits[b], output[b], fusedAlpha);
            }
        }
        INDArray out = buffers.get("out", batch, outputs);
        FloatBuffer o = out.data().asNioFloat();
        for (int b = 0; b < batch; b++) {
            o.put(b * outputs, output[b]);
        }
        return out;
    }

    /** Per-sample losses of the last forward pass against [B, K] targets into {@code perRowOut} [B]; returns their mean. */
    @Override
    public double loss(INDArray given, INDArray perRowOut) {
        targets = buffer("targets", batch, outputs);
        copyRows(given, outputs, targets, batch);
        double sum = 0;
        for (int b = 0; b < batch; b++) {
            perRow[b] = loss.forward(logits == null ? null : logits[b], output[b], targets[b]);
            sum += perRow[b];
        }
        perRowOut.data().asNioFloat().put(0, perRow, 0, batch);
        return sum / batch;
    }

    /** Back-propagates the mean loss of the last forward pass against the targets {@link #loss} was given, into the zeroed heap gradients. */
    @Override
    public void backward(INDArray given) {
        newest = Newest.ROWS;
        params.zeroGradients();
        float[][] grad = buffer("dOut", batch, outputs);
        for (int b = 0; b < batch; b++) {
            loss.backward(logits == null ? null : logits[b], output[b], targets[b], batch, grad[b]);
        }
        for (int s = stages.size() - 1; s >= 0; s--) {
            grad = stages.get(s).backward(grad, batch);
        }
    }

    /** Copies the first {@code batch} samples of a [B, ...] array of {@code width} values each into rows. */
    private static void copyRows(INDArray given, int width, float[][] into, int batch) {
        INDArray a = given.dataType() == DataType.FLOAT && given.ordering() == 'c' && given.elementWiseStride() == 1
                ? given : given.castTo(DataType.FLOAT).dup('c');
        FloatBuffer data = a.data().asNioFloat();
        long offset = a.offset();
        for (int b = 0; b < batch; b++) {
            data.get(Math.toIntExact(offset + (long) b * width), into[b]);
        }
    }

    /**
     * A reusable scratch array under a name with at least {@code rows} rows of {@code width}: arrays
     * only grow, so a stream that alternates single predictions and full batches allocates nothing.
     */
    private float[][] buffer(String name, int rows, int width) {
        float[][] a = scratch.get(name);
        if (a == null || a.length < rows || a[0].length != width) {
            a = rows(rows, width);
            scratch.put(name, a);
        }
        return a;
    }

    private static float[][] rows(int rows, int width) {
        return new float[rows][width];
    }

    /** One step of the stack: forward from its input rows, backward from the gradient of its output rows. */
    private interface Stage {
        float[][] forward(float[][] x, int batch);

        /** Returns the gradient of the input rows (null for the first stage, which has no use for it). */
        float[][] backward(float[][] dOut, int batch);
    }

    /** A dense layer's row variant over its heap rows, which start at chunk {@code firstChunk}. */
    private final class DenseStage implements Stage {
        private final Dense dense;
        private final int firstChunk;
        private final boolean first;
        private float[][] x;
        private float[][] y = new float[0][];
        private float[][] dx = new float[0][];

        DenseStage(Dense dense, int firstChunk, boolean first) {
            this.dense = dense;
            this.firstChunk = firstChunk;
            this.first = first;
        }

        @Override
        public float[][] forward(float[][] input, int batch) {
            x = input;
            if (y.length < batch) {
                y = rows(batch, dense.units());
                dx = first ? null : rows(batch, dense.inputs());
            }
            dense.forward(x, batch, params.values(), firstChunk, y);
            return y;
        }

        @Override
        public float[][] backward(float[][] dy, int batch) {
            dense.backward(x, dy, batch, params.values(), params.gradients(), firstChunk, dx);
            return dx;
        }
    }

    /** f(z) element by element; its derivative from the cached input and output. */
    private static final class ActivationStage implements Stage {
        private final Activation activation;
        private final float alpha;
        private final int width;
        private float[][] z;
        private float[][] y = new float[0][];
        private float[][] dz = new float[0][];

        ActivationStage(Activation activation, float alpha, int width) {
            this.activation = activation;
            this.alpha = alpha;
            this.width = width;
        }

        @Override
        public float[][] forward(float[][] x, int batch) {
            z = x;
            if (y.length < batch) {
                y = rows(batch, width);
                dz = rows(batch, width);
            }
            for (int b = 0; b < batch; b++) {
                activation.forward(z[b], y[b], alpha);
            }
            return y;
        }

        @Override
        public float[][] backward(float[][] dy, int batch) {
            for (int b = 0; b < batch; b++) {
                activation.backward(z[b], y[b], dy[b], dz[b], alpha);
            }
            return dz;
        }
    }
}
