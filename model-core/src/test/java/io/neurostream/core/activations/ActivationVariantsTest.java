// Every activation's two variants, the ND4J ops and the float row loop, compute the same forward and backward.
package io.neurostream.core.activations;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.neurostream.core.rng.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** For every constant of {@link Activation}: f(z) and f'(z) dOut from both variants, to float32 rounding. */
class ActivationVariantsTest {
    private static final int B = 4;
    private static final int K = 7;
    private static final float ALPHA = 0.1f;

    private static float[][] random(long seed, double scale) {
        Rng rng = new Rng(seed);
        float[][] a = new float[B][K];
        for (float[] row : a) {
            for (int k = 0; k < K; k++) {
                row[k] = (float) ((2 * rng.nextDouble() - 1) * scale);
            }
        }
        return a;
    }

    private static void assertRowsClose(INDArray expected, float[][] actual, String what) {
        for (int b = 0; b < B; b++) {
            for (int k = 0; k < K; k++) {
                double e = expected.getDouble(b, k);
                assertEquals(e, actual[b][k], 1e-6 * Math.max(1, Math.abs(e)), what + " [" + b + ", " + k + "]");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void rowLoopsComputeWhatTheNd4jOpsCompute(Activation f) {
        float[][] z = random(1, 3);
        float[][] dOut = random(2, 1);
        INDArray zs = Nd4j.create(z).castTo(DataType.FLOAT);
        INDArray out = Nd4j.zeros(DataType.FLOAT, B, K);
        INDArray dZ = Nd4j.zeros(DataType.FLOAT, B, K);
        f.forward(zs, out, ALPHA);
        f.backward(zs, Nd4j.create(dOut).castTo(DataType.FLOAT), dZ, ALPHA);

        float[][] y = new float[B][K];
        float[][] dz = new float[B][K];
        for (int b = 0; b < B; b++) {
            f.forward(z[b], y[b], ALPHA);
            f.backward(z[b], y[b], dOut[b], dz[b], ALPHA);
        }
        assertRowsClose(out, y, f + " forward");
        assertRowsClose(dZ, dz, f + " backward");
    }
}
