// Matrix products as one BLAS call on ND4J arrays' memory: no ND4J op, no allocation beyond a pointer.
package io.neurostream.core.tensor;

import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * C = alpha op(A) op(B) + beta C, row-major, with OpenBLAS's sgemm (float32) or dgemm (float64)
 * on the arrays' memory. A call through ND4J ({@code Nd4j.gemm}) adds op dispatch and allocation
 * before the product; this costs a JNI call. The arrays must be
 * {@link HostCopy#contiguous}; an offset into one is given in values.
 */
public final class Blas {
    private Blas() {}

    /** A pointer to value {@code at} of a contiguous float32 or float64 array (a whole array or a view). */
    public static Pointer pointer(INDArray a, long at) {
        if (!HostCopy.contiguous(a)) {
            throw new IllegalArgumentException("BLAS needs a contiguous 'c'-ordered array, got strides " + Arrays.toString(a.stride())
                    + " for shape " + Arrays.toString(a.shape()));
        }
        Pointer first = a.data().addressPointer(); // at the array's first value (its buffer's offset)
        long position = a.offset() - a.data().offset() + at;
        return switch (a.dataType()) {
            case FLOAT -> new FloatPointer(first).position(position);
            case DOUBLE -> new DoublePointer(first).position(position);
            default -> throw new IllegalArgumentException("BLAS needs float32 or float64, got " + a.dataType());
        };
    }

    /** A pointer to the first value of a contiguous array. */
    public static Pointer pointer(INDArray a) {
        return pointer(a, 0);
    }

    /**
     * C [m, n] = alpha op(A) op(B) + beta C, op(A) [m, k] and op(B) [k, n], row-major with leading
     * dimensions (row strides) lda, ldb, ldc; the pointers' type is the data type's.
     */
    public static void gemm(DataType type, boolean transA, boolean transB, int m, int n, int k, double alpha, Pointer a, int lda,
                            Pointer b, int ldb, double beta, Pointer c, int ldc) {
        int opA = transA ? openblas.CblasTrans : openblas.CblasNoTrans;
        int opB = transB ? openblas.CblasTrans : openblas.CblasNoTrans;
        if (type == DataType.FLOAT) {
            openblas.cblas_sgemm(openblas.CblasRowMajor, opA, opB, m, n, k, (float) alpha, (FloatPointer) a, lda, (FloatPointer) b, ldb,
                    (float) beta, (FloatPointer) c, ldc);
        } else {
            openblas.cblas_dgemm(openblas.CblasRowMajor, opA, opB, m, n, k, alpha, (DoublePointer) a, lda, (DoublePointer) b, ldb, beta,
                    (DoublePointer) c, ldc);
        }
    }
}
