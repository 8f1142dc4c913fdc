// Applies an activation function; caches its input z for the derivative.
package io.neurostream.core.layers;

import io.neurostream.core.activations.Activation;
import io.neurostream.core.tensor.Buffers;
import io.neurostream.core.tensor.HostCopy;
import io.neurostream.core.tensor.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * f(z) for one of the {@link Activation}s; shape-preserving. Two variants, chosen by the data
 * type: float64 (the gradient checks) runs the activation's ND4J ops; float32 copies z to the
 * heap and runs its row loops (all of a batch as one row for an element-wise f, else one row per
 * vector along the last axis), keeping z and f(z) there for backward: the copies and loops cost
 * less than ND4J's dispatch of an op, and libnd4j's ReLU derivative is a slow loop.
 */
public final class ActivationLayer implements Layer {
    private final Activation activation;
    private final double alpha;
    private final Shape shape;
    private final Buffers buffers;
    private final boolean host; // float32: the heap loops
    private final Map<Long, Heap> heaps = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Heap> eldest) {
            return size() > 4; // training and prediction batch sizes alternate
        }
    };
    private INDArray z; // cached input [B, ...shape]
    private Heap last;  // float32: the heap copies of the last forward pass

    public ActivationLayer(Activation activation, double alpha, Shape shape, DataType dataType) {
        this.activation = activation;
        this.alpha = alpha;
        this.shape = shape;
        this.buffers = new Buffers(dataType);
        this.host = dataType == DataType.FLOAT;
    }

    public Activation activation() {
        return activation;
    }

    /** The slope of leaky ReLU for z < 0. */
    public double alpha() {
        return alpha;
    }

    /** The input z of the last forward pass (the logits, for a loss that fuses with this activation). */
    public INDArray lastInput() {
        return z;
    }

    @Override
    public String describe() {
        return activation.specName();
    }

    @Override
    public Shape outputShape() {
        return shape;
    }

    @Override
    public INDArray forward(INDArray input, Pass pass) {
        z = input;
        if (activation == Activation.IDENTITY) {
            return input;
        }
        INDArray out = buffers.get("out", input.shape());
        if (!host) {
            activation.forward(input, out, alpha);
            return out;
        }
        Heap h = heaps.computeIfAbsent(input.size(0), b -> new Heap(Math.toIntExact(input.length())));
        last = h;
        HostCopy.read(input, h.z);
        if (activation.elementWise()) {
            activation.forward(h.z, h.y, (float) alpha);
        } else {
            int k = h.zRow.length;
            for (int at = 0; at < h.z.length; at += k) {
                System.arraycopy(h.z, at, h.zRow, 0, k);
                activation.forward(h.zRow, h.yRow, (float) alpha);
                System.arraycopy(h.yRow, 0, h.y, at, k);
            }
        }
        HostCopy.write(h.y, out);
        return out;
    }

    @Override
    public INDArray backward(INDArray dOut, boolean needInputGradient) {
        if (!needInputGradient || activation == Activation.IDENTITY) {
            return needInputGradient ? dOut : null;
        }
        INDArray dIn = buffers.get("dIn", dOut.shape());
        if (!host) {
            activation.backward(z, dOut, dIn, alpha);
            return dIn;
        }
        Heap h = last;
        HostCopy.read(dOut, h.dy);
        if (activation.elementWise()) {
            activation.backward(h.z, h.y, h.dy, h.dz, (float) alpha);
        } else {
            int k = h.zRow.length;
            for (int at = 0; at < h.z.length; at += k) {
                System.arraycopy(h.z, at, h.zRow, 0, k);
                System.arraycopy(h.y, at, h.yRow, 0, k);
                System.arraycopy(h.dy, at, h.dyRow, 0, k);
                activation.backward(h.zRow, h.yRow, h.dyRow, h.dzRow, (float) alpha);
                System.arraycopy(h.dzRow, 0, h.dz, at, k);
            }
        }
        HostCopy.write(h.dz, dIn);
        return dIn;
    }

    /** float32: z, f(z) and the gradients of one batch size, all [B * shape] in 'c' order; one row along the last axis for a row-wise f. */
    private final class Heap {
        final float[] z;
        final float[] y;
        final float[] dy;
        final float[] dz;
        final float[] zRow;  // [K]
        final float[] yRow;
        final float[] dyRow;
        final float[] dzRow;

        Heap(int length) {
            z = new float[length];
            y = new float[length];
            dy = new float[length];
            dz = new float[length];
            int k = activation.elementWise() ? 0 : shape.dim(shape.rank() - 1);
            zRow = new float[k];
            yRow = new float[k];
            dyRow = new float[k];
            dzRow = new float[k];
        }
    }
}
