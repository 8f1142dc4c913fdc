// Every loss's two variants, the ND4J ops and the float row loop (alone and through RowLoss), compute the same losses and gradients, fused or not.
package io.neurostream.core.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.neurostream.core.activations.Activation;
import io.neurostream.core.rng.Rng;
import io.neurostream.core.tensor.Buffers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * For every constant of {@link Loss}: after a sigmoid (outputs in (0, 1), which every loss
 * accepts) and, where the loss fuses with its activation, fused with it: per-row losses and the
 * gradient from both variants, to float32 rounding.
 */
class LossVariantsTest {
    private static final int N = 5;
    private static final int K = 4;

    private static float[][] random(long seed, double scale) {
        Rng rng = new Rng(seed);
        float[][] a = new float[N][K];
        for (float[] row : a) {
            for (int k = 0; k < K; k++) {
                row[k] = (float) ((2 * rng.nextDouble() - 1) * scale);
            }
        }
        return a;
    }

    /** One-hot rows for the cross-entropies, values in [0, 1] otherwise. */
    private static float[][] targets(Loss loss) {
        float[][] t = random(3, 1);
        for (int n = 0; n < N; n++) {
            for (int k = 0; k < K; k++) {
                t[n][k] = loss == Loss.CROSS_ENTROPY ? (k == n % K ? 1f : 0f) : Math.abs(t[n][k]);
            }
        }
        return t;
    }

    @ParameterizedTest
    @EnumSource(Loss.class)
    void rowLoopsComputeWhatTheNd4jOpsComputeAfterASigmoid(Loss loss) {
        compare(loss, Activation.SIGMOID, loss.fusesWith(Activation.SIGMOID));
    }

    @ParameterizedTest
    @EnumSource(Loss.class)
    void rowLoopsComputeWhatTheNd4jOpsComputeAfterTheActivationTheyFuseWith(Loss loss) {
        for (Activation f : Activation.values()) {
            if (loss.fusesWith(f)) {
                compare(loss, f, true);
                compare(loss, f, false);
            }
        }
    }

    private static void compare(Loss loss, Activation f, boolean fused) {
        String what = loss + " after " + f + (fused ? ", fused" : "");
        float[][] z = random(1, 3);
        float[][] t = targets(loss);
        float[][] out = new float[N][K];
        for (int n = 0; n < N; n++) {
            f.forward(z[n], out[n], 0f);
        }
        Buffers buffers = new Buffers(DataType.FLOAT);
        INDArray zs = fused ? Nd4j.create(z).castTo(DataType.FLOAT) : null;
        INDArray outs = Nd4j.create(out).castTo(DataType.FLOAT);
        INDArray ts = Nd4j.create(t).castTo(DataType.FLOAT);
        INDArray perRow = Nd4j.zeros(DataType.FLOAT, N);
        INDArray grad = Nd4j.zeros(DataType.FLOAT, N, K);
        double mean = loss.forward(zs, outs, ts, perRow, buffers);
        loss.backward(zs, outs, ts, grad, buffers);

        double sum = 0;
        float[] g = new float[K];
        for (int n = 0; n < N; n++) {
            float l = loss.forward(fused ? z[n] : null, out[n], t[n]);
            sum += l;
            assertEquals(perRow.getDouble(n), l, 1e-5 * (1 + Math.abs(l)), what + ": loss of row " + n);
            loss.backward(fused ? z[n] : null, out[n], t[n], N, g);
            for (int k = 0; k < K; k++) {
                assertEquals(grad.getDouble(n, k), g[k], 1e-5 * (1 + Math.abs(g[k])), what + ": gradient [" + n + ", " + k + "]");
            }
        }
        assertEquals(mean, sum / N, 1e-5 * (1 + Math.abs(mean)), what + ": mean");

        // RowLoss runs the row loops on [N, K] arrays; a larger batch first, so its buffers are longer than N rows
        RowLoss rows = new RowLoss(loss);
        INDArray twice = Nd4j.vstack(outs, outs);
        rows.forward(fused ? Nd4j.vstack(zs, zs) : null, twice, Nd4j.vstack(ts, ts), Nd4j.zeros(DataType.FLOAT, 2 * N));
        INDArray rowPerRow = Nd4j.zeros(DataType.FLOAT, N);
        INDArray rowGrad = Nd4j.zeros(DataType.FLOAT, N, K);
        assertEquals(mean, rows.forward(zs, outs, ts, rowPerRow), 1e-5 * (1 + Math.abs(mean)), what + ": RowLoss mean");
        rows.backward(zs, outs, ts, rowGrad);
        for (int n = 0; n < N; n++) {
            assertEquals(perRow.getDouble(n), rowPerRow.getDouble(n), 1e-5 * (1 + Math.abs(perRow.getDouble(n))), what + ": RowLoss row " + n);
            for (int k = 0; k < K; k++) {
                assertEquals(grad.getDouble(n, k), rowGrad.getDouble(n, k), 1e-5 * (1 + Math.abs(grad.getDouble(n, k))),
                        what + ": RowLoss gradient [" + n + ", " + k + "]");
            }
        }
    }
}
