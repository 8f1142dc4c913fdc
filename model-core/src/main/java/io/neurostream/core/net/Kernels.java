// The loops of the heap path: axpy, dot and the element-wise activations over float rows.
package io.neurostream.core.net;

import io.neurostream.core.activations.Activation;

/**
 * Each loop reads and writes its arrays at one index from 0, so the JIT vectorises the ones
 * without calls (axpy, ReLU); see {@link io.neurostream.core.params.HostParams}.
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

    /** y = f(z); softmax is not element-wise and never comes here. */
    static void apply(Activation f, float alpha, float[] z, float[] y) {
        switch (f) {
            case IDENTITY -> System.arraycopy(z, 0, y, 0, z.length);
            case RELU -> {
                for (int j = 0; j < z.length; j++) {
                    y[j] = z[j] > 0f ? z[j] : 0f;
                }
            }
            case LEAKY_RELU -> {
                for (int j = 0; j < z.length; j++) {
                    y[j] = z[j] > 0f ? z[j] : alpha * z[j];
                }
            }
            case SIGMOID -> {
                for (int j = 0; j < z.length; j++) {
                    y[j] = (float) (1.0 / (1.0 + Math.exp(-z[j])));
                }
            }
            case TANH -> {
                for (int j = 0; j < z.length; j++) {
                    y[j] = (float) Math.tanh(z[j]);
                }
            }
            case SOFTMAX -> throw new IllegalArgumentException("softmax is not element-wise");
        }
    }

    /** dz = f'(z) dy, from the forward pass's input z and output y. */
    static void derivative(Activation f, float alpha, float[] z, float[] y, float[] dy, float[] dz) {
        switch (f) {
            case IDENTITY -> System.arraycopy(dy, 0, dz, 0, dy.length);
            case RELU -> {
                for (int j = 0; j < z.length; j++) {
                    dz[j] = z[j] > 0f ? dy[j] : 0f;
                }
            }
            case LEAKY_RELU -> {
                for (int j = 0; j < z.length; j++) {
                    dz[j] = z[j] > 0f ? dy[j] : alpha * dy[j];
                }
            }
            case SIGMOID -> {
                for (int j = 0; j < z.length; j++) {
                    dz[j] = y[j] * (1f - y[j]) * dy[j];
                }
            }
            case TANH -> {
                for (int j = 0; j < z.length; j++) {
                    dz[j] = (1f - y[j] * y[j]) * dy[j];
                }
            }
            case SOFTMAX -> throw new IllegalArgumentException("softmax is not element-wise");
        }
    }
}
