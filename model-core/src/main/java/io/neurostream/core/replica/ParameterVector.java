// A network's weights and batch-norm statistics as one flat array of doubles: what replicas exchange and average.
package io.neurostream.core.replica;

import io.neurostream.core.net.Network;
import io.neurostream.core.params.Params;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The trainable values, then the state values (batch-norm running averages), in {@link Params}' order; never the optimizer's
 * moments, which stay with each replica. A float32 network's values are held exactly as doubles, and a delta is rounded to the
 * network's data type, which is what goes over the wire; every operation is plain Java arithmetic in a fixed order, so its
 * result is the same on every machine.
 */
public final class ParameterVector {
    private ParameterVector() {}

    /** How many values {@link #capture} returns for this network. */
    public static int length(Network net) {
        Params p = net.params();
        return Math.toIntExact(p.trainableCount() + p.stateCount());
    }

    /** A copy of the network's values then state. */
    public static double[] capture(Network net) {
        Params p = net.params();
        double[] out = new double[length(net)];
        int n = read(p.values(), p.trainableCount(), out, 0);
        read(p.state(), p.stateCount(), out, n);
        return out;
    }

    /** Sets the network's values then state to {@code flat} (rounded to its data type); the optimizer's state is left as it is. */
    public static void assign(Network net, double[] flat) {
        if (flat.length != length(net)) {
            throw new IllegalArgumentException("model " + net.spec().name() + " has " + length(net) + " parameter values, got " + flat.length);
        }
        Params p = net.params();
        int n = write(flat, 0, p.trainableCount(), p.values());
        write(flat, n, p.stateCount(), p.state());
    }

    /** {@code current - base}, each difference rounded to the data type (float32 or float64) it is sent in. */
    public static double[] delta(double[] current, double[] base, DataType dataType) {
        if (current.length != base.length) {
            throw new IllegalArgumentException("delta of " + current.length + " values from a base of " + base.length);
        }
        return rounded(current, -1, base, dataType);
    }

    /**
     * {@code merged + delta}, each sum computed in double precision and rounded to the model's data type: what a replica with
     * overlapped rounds ({@code "sync_overlap": true}) takes at the end of round r, merged(r−1) plus its own change of round r.
     */
    public static double[] plus(double[] merged, double[] delta, DataType dataType) {
        if (merged.length != delta.length) {
            throw new IllegalArgumentException("a change of " + delta.length + " values added to a model of " + merged.length);
        }
        return rounded(merged, 1, delta, dataType);
    }

    /** {@code a + sign·b} (sign ±1, so exactly a − b or a + b) in double precision, each value rounded to the data type. */
    private static double[] rounded(double[] a, double sign, double[] b, DataType dataType) {
        boolean single = dataType != DataType.DOUBLE;
        double[] out = new double[a.length];
        for (int i = 0; i < out.length; i++) {
            double v = a[i] + sign * b[i];
            out[i] = single ? (float) v : v;
        }
        return out;
    }

    /** The first {@code count} values of {@code a} (its buffer has one spare element when the network has none). */
    private static int read(INDArray a, long count, double[] out, int at) {
        int n = Math.toIntExact(count);
        if (a.dataType() == DataType.DOUBLE) {
            a.data().asNioDouble().get(out, at, n);
        } else {
            FloatBuffer in = a.data().asNioFloat();
            for (int i = 0; i < n; i++) {
                out[at + i] = in.get(i);
            }
        }
        return at + n;
    }

    private static int write(double[] flat, int at, long count, INDArray a) {
        int n = Math.toIntExact(count);
        if (a.dataType() == DataType.DOUBLE) {
            DoubleBuffer out = a.data().asNioDouble();
            out.put(0, flat, at, n);
        } else {
            FloatBuffer out = a.data().asNioFloat();
            for (int i = 0; i < n; i++) {
                out.put(i, (float) flat[at + i]);
            }
        }
        return at + n;
    }
}
