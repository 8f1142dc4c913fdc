// The recurrent layers' forward passes against a plain-Java reference of the textbook equations, both directions.
package io.neurostream.core.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.neurostream.core.gradcheck.GradientCheck;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.ModelSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

@Tag("numerics")
class RecurrentReferenceTest {
    private static final int B = 2;
    private static final int T = 5;
    private static final int D = 3;
    private static final int H = 4;

    @ParameterizedTest(name = "{0}, reversed {1}")
    @CsvSource({"simple_rnn, false", "lstm, false", "simple_rnn, true", "lstm, true"})
    void everyStepMatchesTheEquations(String type, boolean reversed) {
        String layer = "{\"type\": \"%s\", \"units\": %d, \"return_sequences\": true}".formatted(type, H);
        if (reversed) {
            layer = "{\"type\": \"bidirectional\", \"layer\": " + layer + "}";
        }
        Network net = Network.create(ModelSpec.parse("""
                {"name": "reference", "input": {"shape": [%d, %d]}, "dtype": "float64", "seed": 9,
                 "layers": [%s], "loss": "half_squared_error", "optimizer": {"type": "sgd"}}
                """.formatted(T, D, layer)));
        String prefix = reversed ? "0.backward." : "0.";
        double[][] wx = matrix(net.params().value(prefix + "Wx"));
        double[][] wh = matrix(net.params().value(prefix + "Wh"));
        double[] bias = net.params().value(prefix + "b").toDoubleVector();
        INDArray x = GradientCheck.randomInput(3, B, T, D);
        INDArray out = net.predict(x); // [B, T, H] or [B, T, 2H]
        boolean lstm = type.equals("lstm");
        for (int b = 0; b < B; b++) {
            double[] h = new double[H];
            double[] c = new double[H];
            for (int s = 0; s < T; s++) {
                int t = reversed ? T - 1 - s : s;
                int gates = lstm ? 4 : 1;
                double[] z = new double[gates * H];
                for (int j = 0; j < z.length; j++) {
                    z[j] = bias[j];
                    for (int d = 0; d < D; d++) {
                        z[j] += x.getDouble(b, t, d) * wx[d][j];
                    }
                    for (int k = 0; k < H; k++) {
                        z[j] += h[k] * wh[k][j];
                    }
                }
                for (int k = 0; k < H; k++) {
                    if (lstm) {
                        double i = sigmoid(z[k]);
                        double f = sigmoid(z[H + k]);
                        double o = sigmoid(z[2 * H + k]);
                        double g = Math.tanh(z[3 * H + k]);
                        c[k] = f * c[k] + i * g;
                        h[k] = o * Math.tanh(c[k]);
                    } else {
                        h[k] = Math.tanh(z[k]);
                    }
                }
                for (int k = 0; k < H; k++) {
                    assertEquals(h[k], out.getDouble(b, t, (reversed ? H : 0) + k), 1e-12, "h[" + b + ", " + t + ", " + k + "]");
                }
            }
        }
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    private static double[][] matrix(INDArray a) {
        return a.toDoubleMatrix();
    }
}
