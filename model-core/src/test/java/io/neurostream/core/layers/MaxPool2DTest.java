// Max pooling: the course's 4x4 example and the gradient routing to each window's maximum.
package io.neurostream.core.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.neurostream.core.rng.Rng;
import io.neurostream.core.tensor.Shape;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
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

    @Test
    void strideSmallerThanTheWindowOverlaps() {
        MaxPool2D pool = new MaxPool2D(Shape.of(2, 5, 5), 3, 2, DataType.FLOAT);
        assertEquals(Shape.of(2, 2, 2), pool.outputShape());
    }
}
