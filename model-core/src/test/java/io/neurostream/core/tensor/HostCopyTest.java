// Bulk copies and BLAS pointers start at an array's first value, whether it owns its buffer or is a view into one.
package io.neurostream.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class HostCopyTest {

    private static INDArray range(int n, DataType type) {
        return Nd4j.arange(n).castTo(type);
    }

    @Test
    void readCopiesWholeArraysViewsStridedViewsAndFloat64InCOrder() {
        INDArray whole = range(12, DataType.FLOAT).reshape('c', 3, 4);
        float[] into = new float[12];
        HostCopy.read(whole, into);
        assertArrayEquals(whole.data().asFloat(), into);

        INDArray rows = whole.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all()); // values 4..11
        assertTrue(HostCopy.contiguous(rows));
        float[] two = new float[8];
        HostCopy.read(rows, two);
        assertArrayEquals(new float[] {4, 5, 6, 7, 8, 9, 10, 11}, two);

        INDArray columns = whole.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3)); // strided
        assertFalse(HostCopy.contiguous(columns));
        float[] six = new float[6];
        HostCopy.read(columns, six);
        assertArrayEquals(new float[] {1, 2, 5, 6, 9, 10}, six);

        float[] fromDouble = new float[12];
        HostCopy.read(whole.castTo(DataType.DOUBLE).transpose(), fromDouble); // another data type, strided
        assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, fromDouble);

        INDArray transposed = whole.transpose();
        float[] t = new float[12];
        HostCopy.read(transposed, t);
        assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, t);
    }

    @Test
    void writeFillsAViewAndRefusesAStridedOne() {
        INDArray flat = Nd4j.zeros(DataType.FLOAT, 10);
        INDArray middle = flat.get(NDArrayIndex.interval(3, 7)).reshape('c', 2, 2);
        HostCopy.write(new float[] {1, 2, 3, 4}, middle);
        assertArrayEquals(new float[] {0, 0, 0, 1, 2, 3, 4, 0, 0, 0}, flat.toFloatVector());
        INDArray whole = Nd4j.zeros(DataType.FLOAT, 3, 4);
        INDArray columns = whole.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3));
        assertThrows(IllegalArgumentException.class, () -> HostCopy.write(new float[6], columns));
    }

    @Test
    void blasPointersStartAtAViewsFirstValueInBothDataTypes() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray flat = range(30, type);
            INDArray a = flat.get(NDArrayIndex.interval(2, 8)).reshape('c', 2, 3);   // [[2, 3, 4], [5, 6, 7]]
            INDArray b = flat.get(NDArrayIndex.interval(10, 16)).reshape('c', 3, 2); // [[10, 11], [12, 13], [14, 15]]
            INDArray c = Nd4j.zeros(type, 4, 2).get(NDArrayIndex.interval(2, 4), NDArrayIndex.all());
            Blas.gemm(type, false, false, 2, 2, 3, 1, Blas.pointer(a), 3, Blas.pointer(b), 2, 0, Blas.pointer(c), 2);
            assertEquals(a.mmul(b), c, type + ": product of views");
            // an offset into an array, and beta = 1 accumulating
            Blas.gemm(type, false, false, 1, 2, 3, 1, Blas.pointer(a, 3), 3, Blas.pointer(b), 2, 1, Blas.pointer(c, 2), 2);
            assertEquals(a.getRow(1).reshape(1, 3).mmul(b).muli(2), c.getRow(1).reshape(1, 2), type + ": second row accumulated");
        }
    }
}
