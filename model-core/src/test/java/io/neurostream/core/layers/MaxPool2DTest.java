// Max pooling: the course's 4x4 example, the gradient routing to each window's maximum, and float32's loops against float64's libnd4j ops.
package io.neurostream.core.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.gradcheck.GradientCheck;

import io.neurostream.core.rng.Rng;
import io.neurostream.core.tensor.Shape;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

@Tag("numerics")
class MaxPool2DTest {

    @Test
    void windowTwoStrideTwoKeepsEachWindowsMaximum() {
        INDArray x = Nd4j.create(new double[][] {{1, 1, 2, 4}, {5, 6, 7, 8}, {3, 2, 1, 0}, {1, 2, 3, 4}})
                .reshape(1, 1, 4, 4).castTo(DataType.FLOAT);
        MaxPool2D pool = new MaxPool2D(Shape.of(1, 4, 4), 2, 2, DataType.FLOAT);
        assertEquals(Shape.of(1, 2, 2), pool.outputShape());
        INDArray out = pool.forward(x, new Pass(false, new Rng(1)));
        assertEquals(Nd4j.create(new float[] {6, 8, 3, 4}, new long[] {1, 1, 2, 2}, 'c'), out);
    }

    @Test
    void theGradientGoesToEachWindowsMaximum() {
        INDArray x = Nd4j.create(new double[][] {{1, 1, 2, 4}, {5, 6, 7, 8}, {3, 2, 1, 0}, {1, 2, 3, 4}})
                .reshape(1, 1, 4, 4).castTo(DataType.FLOAT);
        MaxPool2D pool = new MaxPool2D(Shape.of(1, 4, 4), 2, 2, DataType.FLOAT);
        pool.forward(x, new Pass(true, new Rng(1)));
        INDArray dIn = pool.backward(Nd4j.create(new float[] {10, 20, 30, 40}, new long[] {1, 1, 2, 2}, 'c'), true);
        INDArray expected = Nd4j.create(new float[] {0, 0, 0, 0, 0, 10, 0, 20, 30, 0, 0, 0, 0, 0, 0, 40}, new long[] {1, 1, 4, 4}, 'c');
        assertEquals(expected, dIn);
    }

    /** A window of ReLU zeros, and a maximum found twice: the first in row-major window order takes the gradient. */
    @Test
    void onATieTheFirstMaximumTakesTheGradient() {
        INDArray x = Nd4j.create(new float[] {0, 0, 1, 3, 0, 0, 3, 2}, new long[] {1, 1, 2, 4}, 'c');
        MaxPool2D pool = new MaxPool2D(Shape.of(1, 2, 4), 2, 2, DataType.FLOAT);
        assertEquals(Nd4j.create(new float[] {0, 3}, new long[] {1, 1, 1, 2}, 'c'), pool.forward(x, new Pass(true, new Rng(1))));
        INDArray dIn = pool.backward(Nd4j.create(new float[] {10, 20}, new long[] {1, 1, 1, 2}, 'c'), true);
        assertEquals(Nd4j.create(new float[] {10, 0, 0, 20, 0, 0, 0, 0}, new long[] {1, 1, 2, 4}, 'c'), dIn);
    }

    @Test
    void strideSmallerThanTheWindowOverlaps() {
        MaxPool2D pool = new MaxPool2D(Shape.of(2, 5, 5), 3, 2, DataType.FLOAT);
        assertEquals(Shape.of(2, 2, 2), pool.outputShape());
    }

    /** Random values have no ties, so both variants pick the same maxima; twice, on reused buffers, and from a view. */
    @ParameterizedTest(name = "C{0} {1}x{2}, window {3} s{4}")
    @CsvSource({"6, 28, 28, 2, 2", "16, 10, 10, 2, 2", "2, 7, 9, 3, 2", "3, 6, 6, 2, 1", "1, 5, 5, 5, 1"})
    void float32LoopsMatchLibnd4jsFloat64Ops(int channels, int height, int width, int window, int stride) {
        Shape in = Shape.of(channels, height, width);
        MaxPool2D wide = new MaxPool2D(in, window, stride, DataType.DOUBLE);
        MaxPool2D narrow = new MaxPool2D(in, window, stride, DataType.FLOAT);
        INDArray both = GradientCheck.randomInput(31, 6, channels, height, width);
        INDArray dOut = GradientCheck.randomInput(32, wide.outputShape().withBatch(3));
        Pass pass = new Pass(true, new Rng(1));
        for (int step = 0; step < 2; step++) {
            INDArray x = both.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(3 * step, 3 * step + 3)); // a view at step 1
            INDArray expected = wide.forward(x, pass);
            INDArray actual = narrow.forward(x.castTo(DataType.FLOAT), pass);
            assertEquals(expected.castTo(DataType.FLOAT), actual, "forward, step " + step);
            INDArray dIn64 = wide.backward(dOut, true);
            INDArray dIn32 = narrow.backward(dOut.castTo(DataType.FLOAT), true).castTo(DataType.DOUBLE);
            double worst = dIn64.sub(dIn32).amaxNumber().doubleValue();
            assertTrue(worst < 1e-6, "dIn differs by " + worst + ", step " + step);
        }
    }
}
