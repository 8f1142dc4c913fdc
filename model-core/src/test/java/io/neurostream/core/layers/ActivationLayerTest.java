// The float32 layer (row loops on heap copies) computes what the float64 layer (ND4J ops, gradient-checked) computes, for every activation.
package io.neurostream.core.layers;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.activations.Activation;
import io.neurostream.core.gradcheck.GradientCheck;
import io.neurostream.core.rng.Rng;
import io.neurostream.core.tensor.Shape;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

@Tag("numerics")
class ActivationLayerTest {

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double worst = expected.sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        double scale = Math.max(1, expected.amaxNumber().doubleValue());
        assertTrue(worst < 1e-6 * scale, what + ": float32 differs from float64 by " + worst);
    }

    /** Feature maps [B, C, H, W] and sequences [B, T, K] (softmax along K); each twice on reused buffers, the second time from an 'f'-ordered input. */
    @ParameterizedTest
    @EnumSource(Activation.class)
    void float32LoopsMatchTheFloat64Ops(Activation f) {
        for (Shape shape : new Shape[] {Shape.of(2, 4, 5), Shape.of(4, 7)}) {
            ActivationLayer wide = new ActivationLayer(f, 0.1, shape, DataType.DOUBLE);
            ActivationLayer narrow = new ActivationLayer(f, 0.1, shape, DataType.FLOAT);
            INDArray both = GradientCheck.randomInput(41, shape.withBatch(6)).muli(3);
            Pass pass = new Pass(true, new Rng(1));
            for (int step = 0; step < 2; step++) {
                INDArray x = both.get(NDArrayIndex.interval(3 * step, 3 * step + 3));
                INDArray x32 = step == 0 ? x.castTo(DataType.FLOAT) : x.castTo(DataType.FLOAT).dup('f'); // not 'c'-ordered
                INDArray dOut = GradientCheck.randomInput(42 + step, shape.withBatch(3));
                String what = f + " " + shape + " step " + step;
                INDArray y64 = wide.forward(x, pass);
                INDArray y32 = narrow.forward(x32, pass);
                assertClose(y64, y32, what + " forward");
                assertClose(wide.backward(dOut, true), narrow.backward(dOut.castTo(DataType.FLOAT), true), what + " backward");
            }
            if (f == Activation.IDENTITY) {
                INDArray x = GradientCheck.randomInput(43, shape.withBatch(2)).castTo(DataType.FLOAT);
                assertSame(x, narrow.forward(x, pass), "identity passes its input through");
            }
        }
    }
}
