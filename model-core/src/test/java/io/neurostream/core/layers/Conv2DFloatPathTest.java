// The float32 path (oneDNN forward, im2col and BLAS backward) agrees with the float64 reference that the gradient checks verify.
package io.neurostream.core.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.gradcheck.GradientCheck;
import io.neurostream.core.params.Init;
import io.neurostream.core.params.Params;
import io.neurostream.core.rng.Rng;
import io.neurostream.core.tensor.Shape;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

@Tag("numerics")
class Conv2DFloatPathTest {
    private static final String CASE = "C{0} {1}x{1}, {2} filters k{3} s{4} p{5}";

    /** The same convolution in float64 (the reference the gradient checks verify) and in float32, with the same parameters. */
    private record Twins(Conv2D wide, Conv2D narrow, Params p64, Params p32) {
        static Twins of(int channels, int size, int filters, int kernel, int stride, int padding) {
            Shape in = Shape.of(channels, size, size);
            Conv2D wide = new Conv2D(in, filters, kernel, stride, padding, Init.XAVIER, DataType.DOUBLE);
            Conv2D narrow = new Conv2D(in, filters, kernel, stride, padding, Init.XAVIER, DataType.FLOAT);
            Params p64 = bind(wide, DataType.DOUBLE);
            Params p32 = bind(narrow, DataType.FLOAT);
            p32.values().assign(p64.values().castTo(DataType.FLOAT));
            return new Twins(wide, narrow, p64, p32);
        }
    }

    private static Params bind(Layer layer, DataType type) {
        Params params = new Params(layer.params().stream().map(p -> p.prefixed("0")).toList(), type);
        layer.bind(params.viewsFor("0"));
        params.initialize(new Rng(21));
        params.value("0.b").assign(GradientCheck.randomInput(22, params.value("0.b").length()));
        return params;
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
        double worst = expected.sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue() / scale;
        assertTrue(worst < 1e-5, what + ": float32 differs from float64 by " + worst + " (relative to the largest value)");
    }

    /** Strides that tile the padded input (oneDNN's convolutions in float32) and some that do not (conv2d_bp): s2 p0 on 10, k4 "same" on 9. */
    @ParameterizedTest(name = CASE)
    @CsvSource({"1, 28, 6, 5, 1, 2", "6, 14, 16, 5, 1, 0", "32, 14, 64, 5, 1, -1", "3, 9, 4, 3, 2, 1", "2, 8, 3, 4, 2, -1",
                "2, 10, 3, 3, 2, 0", "2, 9, 3, 4, 1, -1"})
    void forwardAndAllThreeGradientsMatch(int channels, int size, int filters, int kernel, int stride, int padding) {
        Twins conv = Twins.of(channels, size, filters, kernel, stride, padding);
        INDArray x = GradientCheck.randomInput(23, 4, channels, size, size);
        INDArray dOut = GradientCheck.randomInput(24, conv.wide.outputShape().withBatch(4));
        Pass pass = new Pass(true, new Rng(1));
        assertClose(conv.wide.forward(x, pass), conv.narrow.forward(x.castTo(DataType.FLOAT), pass), "forward");
        INDArray dIn64 = conv.wide.backward(dOut, true);
        INDArray dIn32 = conv.narrow.backward(dOut.castTo(DataType.FLOAT), true);
        assertClose(dIn64, dIn32, "dIn");
        assertClose(conv.p64.gradient("0.W"), conv.p32.gradient("0.W"), "dW");
        assertClose(conv.p64.gradient("0.b"), conv.p32.gradient("0.b"), "db");
        // a second step on the same reused buffers gives the same gradients (outputs are overwritten, not accumulated)
        INDArray dW = conv.p32.gradient("0.W").dup();
        INDArray db = conv.p32.gradient("0.b").dup();
        conv.p32.zeroGradients();
        conv.narrow.forward(x.castTo(DataType.FLOAT), pass);
        assertClose(dIn64, conv.narrow.backward(dOut.castTo(DataType.FLOAT), true), "dIn, second call");
        assertClose(dW.castTo(DataType.DOUBLE), conv.p32.gradient("0.W"), "dW, second call");
        assertClose(db.castTo(DataType.DOUBLE), conv.p32.gradient("0.b"), "db, second call");
    }

    /** The first layer's float32 backward (dW and db only, no dIn) gives the float64 reference's dW and db; twice, adding up. */
    @ParameterizedTest(name = CASE)
    @CsvSource({"1, 28, 6, 5, 1, 2", "6, 14, 16, 5, 1, 0", "3, 9, 4, 3, 2, 1", "2, 8, 3, 4, 2, -1", "2, 10, 3, 3, 2, 0"})
    void weightGradientsWithoutInputGradientMatchTheReference(int channels, int size, int filters, int kernel, int stride, int padding) {
        Twins conv = Twins.of(channels, size, filters, kernel, stride, padding);
        INDArray x = GradientCheck.randomInput(25, 5, channels, size, size);
        INDArray dOut = GradientCheck.randomInput(26, conv.wide.outputShape().withBatch(5));
        Pass pass = new Pass(true, new Rng(1));
        conv.wide.forward(x, pass);
        conv.wide.backward(dOut, true);
        for (int step = 0; step < 2; step++) { // the second step on the reused buffers adds the same again
            conv.narrow.forward(x.castTo(DataType.FLOAT), pass);
            assertTrue(conv.narrow.backward(dOut.castTo(DataType.FLOAT), false) == null, "no input gradient");
        }
        assertClose(conv.p64.gradient("0.W").mul(2), conv.p32.gradient("0.W"), "dW");
        assertClose(conv.p64.gradient("0.b").mul(2), conv.p32.gradient("0.b"), "db");
    }
}
