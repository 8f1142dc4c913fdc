// Conv2D's forward pass value by value against a direct loop reference, and its output sizes.
package io.neurostream.core.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.neurostream.core.gradcheck.GradientCheck;
import io.neurostream.core.params.Init;
import io.neurostream.core.params.Params;
import io.neurostream.core.rng.Rng;
import io.neurostream.core.tensor.Shape;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

@Tag("numerics")
class Conv2DTest {

    /** A layer bound to its own float64 parameters under the prefix "0", drawn from the seed. */
    static Params bind(Layer layer, long seed) {
        Params params = new Params(layer.params().stream().map(p -> p.prefixed("0")).toList(), DataType.DOUBLE);
        layer.bind(params.viewsFor("0"));
        params.initialize(new Rng(seed));
        return params;
    }

    /**
     * The definition, one output value at a time: six loops over (f, i, j) and (c, u, v) per sample,
     * reading zero outside the image. For "same" the padding on top/left is floor(total / 2).
     */
    static double[][][][] reference(double[][][][] x, double[][][][] w, double[] b, int stride, int padding) {
        int batch = x.length;
        int channels = x[0].length;
        int height = x[0][0].length;
        int width = x[0][0][0].length;
        int filters = w.length;
        int k = w[0][0].length;
        int outH = Conv2D.outputSize(height, k, stride, padding);
        int outW = Conv2D.outputSize(width, k, stride, padding);
        int padTop = padding == Conv2D.SAME ? Math.max((outH - 1) * stride + k - height, 0) / 2 : padding;
        int padLeft = padding == Conv2D.SAME ? Math.max((outW - 1) * stride + k - width, 0) / 2 : padding;
        double[][][][] out = new double[batch][filters][outH][outW];
        for (int n = 0; n < batch; n++) {
            for (int f = 0; f < filters; f++) {
                for (int i = 0; i < outH; i++) {
                    for (int j = 0; j < outW; j++) {
                        double sum = b[f];
                        for (int c = 0; c < channels; c++) {
                            for (int u = 0; u < k; u++) {
                                for (int v = 0; v < k; v++) {
                                    int row = i * stride + u - padTop;
                                    int col = j * stride + v - padLeft;
                                    if (row >= 0 && row < height && col >= 0 && col < width) {
                                        sum += w[f][c][u][v] * x[n][c][row][col];
                                    }
                                }
                            }
                        }
                        out[n][f][i][j] = sum;
                    }
                }
            }
        }
        return out;
    }

    private static double[][][][] toArray(INDArray a) {
        long[] s = a.shape();
        double[][][][] out = new double[(int) s[0]][(int) s[1]][(int) s[2]][(int) s[3]];
        for (int n = 0; n < s[0]; n++) {
            for (int c = 0; c < s[1]; c++) {
                for (int i = 0; i < s[2]; i++) {
                    for (int j = 0; j < s[3]; j++) {
                        out[n][c][i][j] = a.getDouble(n, c, i, j);
                    }
                }
            }
        }
        return out;
    }

    private static void assertMatchesReference(int channels, int height, int width, int filters, int kernel, int stride, int padding) {
        Conv2D conv = new Conv2D(Shape.of(channels, height, width), filters, kernel, stride, padding, Init.XAVIER, DataType.DOUBLE);
        Params params = bind(conv, 11);
        params.value("0.b").assign(GradientCheck.randomInput(12, filters)); // biases start at zero: make them count
        INDArray x = GradientCheck.randomInput(5, 2, channels, height, width);
        INDArray out = conv.forward(x, new Pass(false, new Rng(1)));
        double[][][][] expected = reference(toArray(x), toArray(params.value("0.W")), params.value("0.b").toDoubleVector(), stride, padding);
        assertArrayEquals(new long[] {2, filters, expected[0][0].length, expected[0][0][0].length}, out.shape());
        double[][][][] actual = toArray(out);
        for (int n = 0; n < expected.length; n++) {
            for (int f = 0; f < filters; f++) {
                for (int i = 0; i < expected[n][f].length; i++) {
                    assertArrayEquals(expected[n][f][i], actual[n][f][i], 1e-12, "sample " + n + ", filter " + f + ", row " + i);
                }
            }
        }
    }

    @Test
    void threeChannelsPaddingOneTwoFiltersStrideTwoMatchesTheDefinition() {
        assertMatchesReference(3, 5, 5, 2, 3, 2, 1);
    }

    @ParameterizedTest(name = "C{0} {1}x{2}, {3} filters k{4} s{5} p{6}")
    @CsvSource({
        "1, 7, 6, 3, 3, 1, 0",
        "2, 8, 8, 4, 5, 1, -1",  // same, stride 1
        "3, 9, 7, 2, 3, 2, -1",  // same, stride 2, odd sizes
        "2, 6, 6, 3, 4, 2, -1",  // same with an even kernel: asymmetric padding
        "1, 5, 5, 1, 5, 1, 2",
        "2, 11, 11, 3, 3, 3, 1",
        "4, 6, 9, 2, 2, 2, 0",
        "1, 28, 28, 6, 5, 1, 2"  // LeNet-5's first layer
    })
    void everyShapeMatchesTheDefinition(int channels, int height, int width, int filters, int kernel, int stride, int padding) {
        assertMatchesReference(channels, height, width, filters, kernel, stride, padding);
    }

    @Test
    void outputSizes() {
        assertEquals(28, Conv2D.outputSize(28, 5, 1, 2));
        assertEquals(24, Conv2D.outputSize(28, 5, 1, 0));
        assertEquals(28, Conv2D.outputSize(28, 5, 1, Conv2D.SAME));
        assertEquals(14, Conv2D.outputSize(28, 5, 2, Conv2D.SAME));
        assertEquals(3, Conv2D.outputSize(5, 3, 2, 1));
        assertEquals(4, Conv2D.outputSize(7, 3, 2, Conv2D.SAME));
    }
}
