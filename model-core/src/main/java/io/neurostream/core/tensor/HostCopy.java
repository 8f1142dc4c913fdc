// Copies between Java float arrays and ND4J arrays without allocating (float32), for batches built on the host.
package io.neurostream.core.tensor;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Only for arrays that own their whole buffer (not views), which is what {@link Buffers} hands out. */
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
}
