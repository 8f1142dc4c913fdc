// Flatten hands out the same reshaped view for the same array, and a fresh reshape for a new or strided one.
package io.neurostream.core.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.neurostream.core.rng.Rng;
import io.neurostream.core.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FlattenTest {

    @Test
    void aReusedArraysNewValuesShowThroughAndAStridedInputIsReadInCOrder() {
        Flatten flatten = new Flatten(Shape.of(2, 3));
        Pass pass = new Pass(true, new Rng(1));
        INDArray x = Nd4j.arange(12).castTo(DataType.FLOAT).reshape('c', 2, 2, 3);
        assertEquals(x.reshape('c', 2, 6), flatten.forward(x, pass));
        x.muli(2); // the next step's values in the same buffer
        assertEquals(x.reshape('c', 2, 6), flatten.forward(x, pass));
        INDArray strided = x.dup('f');
        strided.muli(3);
        assertEquals(strided.dup('c').reshape('c', 2, 6), flatten.forward(strided, pass));
        strided.muli(-1);
        assertEquals(strided.dup('c').reshape('c', 2, 6), flatten.forward(strided, pass), "a strided input is reshaped again");

        INDArray dOut = Nd4j.arange(12).castTo(DataType.FLOAT).reshape('c', 2, 6);
        assertArrayEquals(new long[] {2, 2, 3}, flatten.backward(dOut, true).shape());
        dOut.addi(1);
        assertEquals(dOut.reshape('c', 2, 2, 3), flatten.backward(dOut, true));
        INDArray other = Nd4j.zeros(DataType.FLOAT, 1, 2, 3);
        flatten.forward(other, pass); // another batch size
        assertArrayEquals(new long[] {1, 2, 3}, flatten.backward(Nd4j.ones(DataType.FLOAT, 1, 6), true).shape());
    }
}
