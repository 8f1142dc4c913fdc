// float32 matrix products on Java arrays: the Vector API kernel where the JVM has it, else OpenBLAS on native copies.
package io.neurostream.core.tensor;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * C (+)= A B on float[] arrays, for products that a layer repeats on the heap (a recurrent layer's
 * per-step products). Two variants, chosen once per JVM:
 * <ul>
 *   <li>{@link VectorKernel}, when the JVM runs with {@code --add-modules jdk.incubator.vector}: no copy and
 *       no packing; on a 32 x 128 by 128 x 512 product it takes about half the time of OpenBLAS,
 *       which packs the 128 x 512 operand again on each call;</li>
 *   <li>otherwise OpenBLAS's sgemm on native copies of the three operands.</li>
 * </ul>
 * The two give results within rounding of each other, not the same bits: a model trained under one
 * and recovered under the other (a restart with other JVM flags) is not bit-identical, as with a
 * change of BLAS kernel.
 */
public final class Gemm {
    /** Whether the JVM resolved jdk.incubator.vector (java --add-modules jdk.incubator.vector). */
    public static final boolean MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    /** Why {@link VectorKernel} is not in use, or null when it is. */
    private static final String FALLBACK_REASON = fallbackReason();
    /**
     * Whether {@link VectorKernel} is in use: the module is there, vectors are at least 256 bits wide, the JVM is
     * HotSpot and C2 compiles (without it the Vector API runs as slow Java code that boxes every vector), and
     * {@code -Dneurostream.vector=false} does not turn it off.
     */
    public static final boolean VECTOR = FALLBACK_REASON == null;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Gemm() {}

    /** Which variant runs, and why not the Vector API one, for benchmarks' and logs' lines. */
    public static String variant() {
        return VECTOR ? "Vector API (jdk.incubator.vector, " + VectorKernel.bits() + "-bit)" : "OpenBLAS and loops: " + FALLBACK_REASON;
    }

    private static String fallbackReason() {
        if (!MODULE) {
            return "no jdk.incubator.vector (java --add-modules jdk.incubator.vector for the Vector API kernels, about 1.4x as fast)";
        }
        if (!Boolean.parseBoolean(System.getProperty("neurostream.vector", "true"))) {
            return "-Dneurostream.vector=false";
        }
        String stopAt = vmOption("TieredStopAtLevel");
        if (stopAt == null) {
            return "not a HotSpot JVM (no HotSpot diagnostic bean), whose C2 the Vector API needs to be fast";
        }
        if (System.getProperty("java.vm.info", "").contains("interpreted") || !"4".equals(stopAt)) {
            return "the JIT is not C2 (-Xint or -XX:TieredStopAtLevel below 4), which the Vector API needs to be fast";
        }
        if (VectorKernel.bits() < 256) {
            return "vectors of " + VectorKernel.bits() + " bits, too narrow to beat OpenBLAS";
        }
        return null;
    }

    /** A HotSpot flag's value, or null where the JVM is not HotSpot or does not tell (OpenJ9, a runtime without jdk.management). */
    private static String vmOption(String name) {
        try {
            return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(name).getValue();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
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
            VectorKernel.multiply(m, n, k, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, accumulate);
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
        Blas.gemm(DataType.FLOAT, transA, false, m, n, k, 1, pa, lda, pb, ldb, accumulate ? 1 : 0, pc, ldc);
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

    /**
     * C (+)= A B on float[] arrays (see {@link Gemm#multiply} for the operands' layout), for the
     * products a recurrent layer repeats every step on a small batch: BLAS packs B (the weights)
     * again on each call, which costs about as much as the product at these sizes.
     *
     * <p>Every element of C is one chain of fused multiply-adds c = fma(a_ip, b_pj, c) for p = 0..k-1
     * in order, whichever path computes it (a tile of 4 rows by 4 vectors, 4 rows by one vector,
     * one row by one vector, or the scalar tail with {@link Math#fma}): the result has the same bits
     * on every vector width, AVX2 or AVX-512 alike.
     *
     * <p>Loaded only when the JVM runs with {@code --add-modules jdk.incubator.vector} (see {@link Gemm}).
     */
    static final class VectorKernel {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        private static final int L = S.length();
        private static final int K_BLOCK = 256;

        private VectorKernel() {}

        /** The width of the vectors this CPU and JVM offer. */
        static int bits() {
            return S.vectorBitSize();
        }

        static void multiply(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
            // k in blocks, so that the rows of B one block reads stay in cache while every tile reads them (a long k is
            // a product over all steps); C carries each chain from one block to the next, so the order of its terms holds
            for (int p = 0; p < k; p += K_BLOCK) {
                int kc = Math.min(K_BLOCK, k - p);
                block(m, n, kc, a, aOff + p * aCol, aRow, aCol, b, bOff + p * ldb, ldb, c, cOff, ldc, accumulate || p > 0);
            }
        }

        /**
         * One block of k: column panels of 4 vectors outermost, so that a panel of B (k x 4L values) stays in the
         * first-level cache while every row tile reads it; then the narrower columns, then the last rows.
         */
        private static void block(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                                  float[] c, int cOff, int ldc, boolean accumulate) {
            int m4 = m - m % 4;
            int j = 0;
            for (; j + 4 * L <= n; j += 4 * L) {
                for (int i = 0; i < m4; i += 4) {
                    tile4x4(k, a, aOff + i * aRow, aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, accumulate);
                }
            }
            for (; j + L <= n; j += L) {
                for (int i = 0; i < m4; i += 4) {
                    tile4x1(k, a, aOff + i * aRow, aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, accumulate);
                }
            }
            scalar(m4, n - j, k, a, aOff, aRow, aCol, b, bOff + j, ldb, c, cOff + j, ldc, accumulate);
            for (int i = m4; i < m; i++) {
                int jj = 0;
                for (; jj + L <= n; jj += L) {
                    tile1x1(k, a, aOff + i * aRow, aCol, b, bOff + jj, ldb, c, cOff + i * ldc + jj, accumulate);
                }
                scalar(1, n - jj, k, a, aOff + i * aRow, aRow, aCol, b, bOff + jj, ldb, c, cOff + i * ldc + jj, ldc, accumulate);
            }
        }

        private static FloatVector start(float[] c, int at, boolean accumulate) {
            return accumulate ? FloatVector.fromArray(S, c, at) : FloatVector.zero(S);
        }

        /** Rows a0..a0+3 of A by columns b0..b0+4L-1 of B: 16 accumulators, 4 loads of B and 4 broadcasts of A per p. */
        private static void tile4x4(int k, float[] a, int a0, int aRow, int aCol, float[] b, int b0, int ldb, float[] c, int c0,
                                    int ldc, boolean acc) {
            int c1 = c0 + ldc;
            int c2 = c1 + ldc;
            int c3 = c2 + ldc;
            FloatVector x00 = start(c, c0, acc), x01 = start(c, c0 + L, acc), x02 = start(c, c0 + 2 * L, acc), x03 = start(c, c0 + 3 * L, acc);
            FloatVector x10 = start(c, c1, acc), x11 = start(c, c1 + L, acc), x12 = start(c, c1 + 2 * L, acc), x13 = start(c, c1 + 3 * L, acc);
            FloatVector x20 = start(c, c2, acc), x21 = start(c, c2 + L, acc), x22 = start(c, c2 + 2 * L, acc), x23 = start(c, c2 + 3 * L, acc);
            FloatVector x30 = start(c, c3, acc), x31 = start(c, c3 + L, acc), x32 = start(c, c3 + 2 * L, acc), x33 = start(c, c3 + 3 * L, acc);
            int ap = a0;
            int bp = b0;
            for (int p = 0; p < k; p++, ap += aCol, bp += ldb) {
                FloatVector w0 = FloatVector.fromArray(S, b, bp);
                FloatVector w1 = FloatVector.fromArray(S, b, bp + L);
                FloatVector w2 = FloatVector.fromArray(S, b, bp + 2 * L);
                FloatVector w3 = FloatVector.fromArray(S, b, bp + 3 * L);
                FloatVector v = FloatVector.broadcast(S, a[ap]);
                x00 = w0.fma(v, x00);
                x01 = w1.fma(v, x01);
                x02 = w2.fma(v, x02);
                x03 = w3.fma(v, x03);
                v = FloatVector.broadcast(S, a[ap + aRow]);
                x10 = w0.fma(v, x10);
                x11 = w1.fma(v, x11);
                x12 = w2.fma(v, x12);
                x13 = w3.fma(v, x13);
                v = FloatVector.broadcast(S, a[ap + 2 * aRow]);
                x20 = w0.fma(v, x20);
                x21 = w1.fma(v, x21);
                x22 = w2.fma(v, x22);
                x23 = w3.fma(v, x23);
                v = FloatVector.broadcast(S, a[ap + 3 * aRow]);
                x30 = w0.fma(v, x30);
                x31 = w1.fma(v, x31);
                x32 = w2.fma(v, x32);
                x33 = w3.fma(v, x33);
            }
            x00.intoArray(c, c0);
            x01.intoArray(c, c0 + L);
            x02.intoArray(c, c0 + 2 * L);
            x03.intoArray(c, c0 + 3 * L);
            x10.intoArray(c, c1);
            x11.intoArray(c, c1 + L);
            x12.intoArray(c, c1 + 2 * L);
            x13.intoArray(c, c1 + 3 * L);
            x20.intoArray(c, c2);
            x21.intoArray(c, c2 + L);
            x22.intoArray(c, c2 + 2 * L);
            x23.intoArray(c, c2 + 3 * L);
            x30.intoArray(c, c3);
            x31.intoArray(c, c3 + L);
            x32.intoArray(c, c3 + 2 * L);
            x33.intoArray(c, c3 + 3 * L);
        }

        /** Rows a0..a0+3 of A by columns b0..b0+L-1 of B. */
        private static void tile4x1(int k, float[] a, int a0, int aRow, int aCol, float[] b, int b0, int ldb, float[] c, int c0,
                                    int ldc, boolean acc) {
            FloatVector x0 = start(c, c0, acc);
            FloatVector x1 = start(c, c0 + ldc, acc);
            FloatVector x2 = start(c, c0 + 2 * ldc, acc);
            FloatVector x3 = start(c, c0 + 3 * ldc, acc);
            int ap = a0;
            int bp = b0;
            for (int p = 0; p < k; p++, ap += aCol, bp += ldb) {
                FloatVector w = FloatVector.fromArray(S, b, bp);
                x0 = w.fma(FloatVector.broadcast(S, a[ap]), x0);
                x1 = w.fma(FloatVector.broadcast(S, a[ap + aRow]), x1);
                x2 = w.fma(FloatVector.broadcast(S, a[ap + 2 * aRow]), x2);
                x3 = w.fma(FloatVector.broadcast(S, a[ap + 3 * aRow]), x3);
            }
            x0.intoArray(c, c0);
            x1.intoArray(c, c0 + ldc);
            x2.intoArray(c, c0 + 2 * ldc);
            x3.intoArray(c, c0 + 3 * ldc);
        }

        /** Row a0 of A by columns b0..b0+L-1 of B. */
        private static void tile1x1(int k, float[] a, int a0, int aCol, float[] b, int b0, int ldb, float[] c, int c0, boolean acc) {
            FloatVector x = start(c, c0, acc);
            int ap = a0;
            int bp = b0;
            for (int p = 0; p < k; p++, ap += aCol, bp += ldb) {
                x = FloatVector.fromArray(S, b, bp).fma(FloatVector.broadcast(S, a[ap]), x);
            }
            x.intoArray(c, c0);
        }

        /** The last columns, fewer than a vector: the same chain of fused multiply-adds, one value at a time. */
        static void scalar(int rows, int cols, int k, float[] a, int a0, int aRow, int aCol, float[] b, int b0, int ldb, float[] c,
                           int c0, int ldc, boolean acc) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    float x = acc ? c[c0 + r * ldc + j] : 0f;
                    int ap = a0 + r * aRow;
                    int bp = b0 + j;
                    for (int p = 0; p < k; p++, ap += aCol, bp += ldb) {
                        x = Math.fma(a[ap], b[bp], x);
                    }
                    c[c0 + r * ldc + j] = x;
                }
            }
        }
    }
}
