// The linear-algebra loops of the heap path: axpy and dot over float rows.
package io.neurostream.core.net;

/**
 * Each loop reads and writes its arrays at one index from 0, so the JIT vectorises the ones
 * without calls; see {@link io.neurostream.core.params.HostParams}.
 */
final class Kernels {
    private Kernels() {}

    /** y += a x. */
    static void axpy(float a, float[] x, float[] y) {
        for (int j = 0; j < y.length; j++) {
            y[j] += a * x[j];
        }
    }

    /** y += a0 x0 + a1 x1 + a2 x2 + a3 x3: one pass over y for four rows (the JIT's vector loops are bound by loads and stores). */
    static void axpy4(float a0, float[] x0, float a1, float[] x1, float a2, float[] x2, float a3, float[] x3, float[] y) {
        for (int j = 0; j < y.length; j++) {
            y[j] += a0 * x0[j] + a1 * x1[j] + a2 * x2[j] + a3 * x3[j];
        }
    }

    /** Σ x_j y_j, in index order. */
    static float dot(float[] x, float[] y) {
        float sum = 0;
        for (int j = 0; j < x.length; j++) {
            sum += x[j] * y[j];
        }
        return sum;
    }
}
