// Copies between Java float arrays and ND4J arrays without allocating (float32), for batches built on the host and the layers' heap loops.
package io.neurostream.core.tensor;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link #copy} and {@link #floats} only for arrays that own their whole buffer (not views), which
 * is what {@link Buffers} hands out; {@link #read} and {@link #write} also for views.
 */
public final class HostCopy {
    private HostCopy() {}

    /** Writes src[0 .. n-1] into dst's first n values; float64 arrays are converted value by value. */
    public static void copy(float[] src, int n, INDArray dst) {
        if (dst.dataType() == DataType.FLOAT) {
            dst.data().asNioFloat().put(src, 0, n);
        } else {
            for (int i = 0; i < n; i++) {
                dst.putScalar(i, src[i]);
            }
        }
    }

    /** The values of a float32 array as a buffer (no copy), or of any other type as a float32 copy. */
    public static FloatBuffer floats(INDArray a) {
        return (a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT)).data().asNioFloat();
    }

    /**
     * Whether the array's values lie in one run of memory in 'c' order from its first value (a
     * whole array, or a view of consecutive rows): bulk copies and BLAS can read it in place.
     */
    public static boolean contiguous(INDArray a) {
        long[] shape = a.shape();
        long[] stride = a.stride();
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) { // an axis of one value has no stride to keep
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /**
     * Copies an array's n values in 'c' order into into[0 .. n), which may be longer; a strided view or another data
     * type goes through a 'c'-ordered float32 copy.
     */
    public static void read(INDArray a, float[] into) {
        INDArray c = a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
        if (!contiguous(c)) {
            c = c.dup('c');
        }
        c.data().asNioFloat().get(Math.toIntExact(c.offset()), into, 0, Math.toIntExact(c.length()));
    }

    /** Writes from[0 .. n) into a contiguous float32 array ({@link #contiguous}) of n values, in 'c' order; {@code from} may be longer. */
    public static void write(float[] from, INDArray a) {
        if (!contiguous(a)) {
            throw new IllegalArgumentException("write needs a contiguous 'c'-ordered array, got strides "
                    + java.util.Arrays.toString(a.stride()) + " for shape " + java.util.Arrays.toString(a.shape()));
        }
        a.data().asNioFloat().put(Math.toIntExact(a.offset()), from, 0, Math.toIntExact(a.length()));
    }
}
