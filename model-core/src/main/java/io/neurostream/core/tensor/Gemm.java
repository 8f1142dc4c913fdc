// float32 matrix products on Java arrays: the Vector API kernel where the JVM has it, else OpenBLAS on native copies.
package io.neurostream.core.tensor;

import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * C (+)= A B on float[] arrays, for products that a layer repeats on the heap (a recurrent layer's
 * per-step products). Two variants, chosen once per JVM:
 * <ul>
 *   <li>{@link VectorGemm}, when the JVM runs with {@code --add-modules jdk.incubator.vector}: no copy and
 *       no packing; on a 32 x 128 by 128 x 512 product it takes about half the time of OpenBLAS,
 *       which packs the 128 x 512 operand again on each call;</li>
 *   <li>otherwise OpenBLAS's sgemm on native copies of the three operands.</li>
 * </ul>
 * The two give results within rounding of each other, not the same bits: a model trained under one
 * and recovered under the other (a restart with other JVM flags) is not bit-identical, as with a
 * change of BLAS kernel.
 */
public final class Gemm {
    /** Whether {@link VectorGemm} is in use: the JVM resolved jdk.incubator.vector. */
    public static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Gemm() {}

    /** Which variant runs, for benchmarks' and logs' lines. */
    public static String variant() {
        return VECTOR ? "Vector API (jdk.incubator.vector)"
                : "OpenBLAS and loops (java --add-modules jdk.incubator.vector for the Vector API kernels, about 1.4x as fast)";
    }

    /**
     * C [m, n] = A [m, k] B [k, n] (+ C with {@code accumulate}). A's element (i, p) is
     * {@code a[aOff + i*aRow + p*aCol]}, so A or its transpose may be read in place (aCol = 1: rows of
     * A; aRow = 1: rows of Aᵀ); B and C are row-major with row strides {@code ldb} and {@code ldc}.
     */
    public static void multiply(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) { // an empty sum
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        if (VECTOR) {
            VectorGemm.multiply(m, n, k, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else {
            blas(m, n, k, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, accumulate);
        }
    }

    /**
     * The same product with B an {@link Operand}: the Vector API kernel reads its values; the OpenBLAS variant
     * reads its native copy, made once after each change instead of once per product.
     */
    public static void multiply(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, Operand b, int ldb, float[] c, int cOff,
                                int ldc, boolean accumulate) {
        if (VECTOR || m == 0 || n == 0 || k == 0) {
            multiply(m, n, k, a, aOff, aRow, aCol, b.values, 0, ldb, c, cOff, ldc, accumulate);
        } else {
            blasOperand(m, n, k, a, aOff, aRow, aCol, b, ldb, c, cOff, ldc, accumulate);
        }
    }

    /** The OpenBLAS variant with an operand, k > 0. */
    static void blasOperand(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, Operand b, int ldb, float[] c, int cOff,
                            int ldc, boolean accumulate) {
        blas(m, n, k, a, aOff, aRow, aCol, b.nativeCopy(), ldb, c, cOff, ldc, accumulate);
    }

    /** The OpenBLAS variant, k > 0 (package-visible so that a test compares both in one JVM). */
    static void blas(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb, float[] c, int cOff,
                     int ldc, boolean accumulate) {
        int bLength = (k - 1) * ldb + n;
        blas(m, n, k, a, aOff, aRow, aCol, SCRATCH.get().b(bLength).put(b, bOff, bLength), ldb, c, cOff, ldc, accumulate);
    }

    private static void blas(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, FloatPointer pb, int ldb, float[] c, int cOff,
                             int ldc, boolean accumulate) {
        if (aCol != 1 && aRow != 1) {
            throw new IllegalArgumentException("A must have rows or columns of stride 1, got " + aRow + " and " + aCol);
        }
        boolean transA = aCol != 1; // stored as Aᵀ [k, m] with row stride aCol
        int lda = transA ? aCol : aRow;
        int aLength = transA ? (k - 1) * aCol + m : (m - 1) * aRow + k;
        int cLength = (m - 1) * ldc + n;
        Scratch s = SCRATCH.get();
        FloatPointer pa = s.a(aLength).put(a, aOff, aLength);
        FloatPointer pc = s.c(cLength).put(c, cOff, cLength); // also without accumulate: C's rows may have gaps, copied back as they were
        openblas.cblas_sgemm(openblas.CblasRowMajor, transA ? openblas.CblasTrans : openblas.CblasNoTrans, openblas.CblasNoTrans,
                m, n, k, 1f, pa, lda, pb, ldb, accumulate ? 1f : 0f, pc, ldc);
        pc.get(c, cOff, cLength);
    }

    /**
     * A right-hand operand that many products read between changes: a layer's weights during a pass. Write
     * {@link #values()}, then call {@link #changed()}.
     */
    public static final class Operand {
        private final float[] values;
        private FloatPointer copy; // the OpenBLAS variant's
        private boolean stale = true;

        public Operand(int length) {
            values = new float[length];
        }

        public float[] values() {
            return values;
        }

        /** The values were written: the next product reads them. */
        public void changed() {
            stale = true;
        }

        private FloatPointer nativeCopy() {
            if (copy == null) {
                copy = new FloatPointer(values.length);
            }
            if (stale) {
                copy.put(values);
                stale = false;
            }
            return copy;
        }
    }

    /** The fallback's native operands, per thread, grown as needed. */
    private static final class Scratch {
        private FloatPointer a = new FloatPointer(0L);
        private FloatPointer b = new FloatPointer(0L);
        private FloatPointer c = new FloatPointer(0L);

        FloatPointer a(long n) {
            return a = fit(a, n);
        }

        FloatPointer b(long n) {
            return b = fit(b, n);
        }

        FloatPointer c(long n) {
            return c = fit(c, n);
        }

        private static FloatPointer fit(FloatPointer p, long n) {
            if (p.capacity() >= n) {
                return p.position(0);
            }
            p.close();
            return new FloatPointer(n);
        }
    }
}
