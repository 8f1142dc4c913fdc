// tensor/Gemm: the Vector API kernel is the same chain of fused multiply-adds on every path, and OpenBLAS agrees with it.
package io.neurostream.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GemmTest {
    /**
     * The build's tests run with --add-modules jdk.incubator.vector (the pom's test.jvm.args), so they check the vector
     * kernel, which runs wherever vectors are at least 256 bits wide.
     */
    @Test
    void testsHaveTheVectorApi() {
        assertTrue(Gemm.MODULE, "jdk.incubator.vector is not resolved: " + Gemm.variant());
        assertEquals(Gemm.VectorKernel.bits() >= 256, Gemm.VECTOR, Gemm.variant());
    }

    /**
     * Shapes around every edge of the kernel: rows not a multiple of 4, columns not a multiple of a
     * vector, k across the block of 256 and k = 0; A read as rows or as columns of its transpose; offsets
     * and row strides wider than the product.
     */
    @ParameterizedTest(name = "m{0} n{1} k{2} transposed A {3} accumulate {4}")
    @CsvSource({"1, 1, 1, false, false", "4, 64, 128, false, true", "32, 512, 128, false, true", "7, 70, 300, false, true",
            "5, 33, 257, true, false", "128, 48, 513, true, true", "3, 17, 0, false, false", "3, 17, 0, true, true",
            "9, 130, 31, true, false"})
    void everyValueIsOneFusedChainAndOpenBlasAgrees(int m, int n, int k, boolean transposedA, boolean accumulate) {
        Random random = new Random(m * 1_000_003L + n * 1009L + k);
        int aOff = 3;
        int bOff = 5;
        int cOff = 2;
        int lda = (transposedA ? m : k) + 2;
        int ldb = n + 1;
        int ldc = n + 3;
        int aRow = transposedA ? 1 : lda;
        int aCol = transposedA ? lda : 1;
        float[] a = values(random, aOff + (transposedA ? k : m) * lda + 1);
        float[] b = values(random, bOff + Math.max(k, 1) * ldb);
        float[] c0 = values(random, cOff + m * ldc);
        float[] vector = c0.clone();
        float[] blas = c0.clone();
        if (k > 0) { // the kernel itself, whether or not Gemm chose it on this machine
            Gemm.VectorKernel.multiply(m, n, k, a, aOff, aRow, aCol, b, bOff, ldb, vector, cOff, ldc, accumulate);
        } else {
            Gemm.multiply(m, n, k, a, aOff, aRow, aCol, b, bOff, ldb, vector, cOff, ldc, accumulate);
        }
        if (k > 0) {
            Gemm.blas(m, n, k, a, aOff, aRow, aCol, b, bOff, ldb, blas, cOff, ldc, accumulate);
        } else {
            blas = vector.clone(); // Gemm.multiply answers an empty sum itself, whichever the variant
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float chain = accumulate ? c0[cOff + i * ldc + j] : 0f;
                for (int p = 0; p < k; p++) {
                    chain = Math.fma(a[aOff + i * aRow + p * aCol], b[bOff + p * ldb + j], chain);
                }
                int at = cOff + i * ldc + j;
                assertEquals(chain, vector[at], 0f, "C[" + i + "," + j + "]");
                assertEquals(chain, blas[at], 1e-5f * (k + 1), "OpenBLAS C[" + i + "," + j + "]");
            }
        }
        for (int at = 0; at < c0.length; at++) { // nothing outside C [m, n] within its row stride is written
            boolean inside = at >= cOff && (at - cOff) / ldc < m && (at - cOff) % ldc < n;
            if (!inside) {
                assertEquals(c0[at], vector[at], 0f, "value " + at + " outside C");
                assertEquals(c0[at], blas[at], 0f, "OpenBLAS: value " + at + " outside C");
            }
        }
    }

    /** An operand's products read its current values, in both variants, also after it changed. */
    @Test
    void anOperandIsReadAfterEachChange() {
        Random random = new Random(7);
        int m = 6;
        int n = 40;
        int k = 9;
        float[] a = values(random, m * k);
        Gemm.Operand b = new Gemm.Operand(k * n);
        for (int change = 0; change < 2; change++) {
            System.arraycopy(values(random, k * n), 0, b.values(), 0, k * n);
            b.changed();
            float[] expected = new float[m * n];
            float[] actual = new float[m * n];
            Gemm.multiply(m, n, k, a, 0, k, 1, b.values(), 0, n, expected, 0, n, false);
            Gemm.multiply(m, n, k, a, 0, k, 1, b, n, actual, 0, n, false);
            assertArrayEquals(expected, actual, "change " + change);
            float[] blas = new float[m * n];
            Gemm.blas(m, n, k, a, 0, k, 1, b.values(), 0, n, blas, 0, n, false);
            float[] blasOperand = new float[m * n];
            Gemm.blasOperand(m, n, k, a, 0, k, 1, b, n, blasOperand, 0, n, false);
            assertArrayEquals(blas, blasOperand, "OpenBLAS, change " + change);
        }
    }

    private static float[] values(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextFloat() - 0.5f;
        }
        return v;
    }
}
