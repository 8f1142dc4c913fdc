// The finite check finds a NaN or ±∞ anywhere: in every chunk of a parameter and in every heap row, float32 and float64.
package io.neurostream.core.params;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class FiniteCheckTest {
    private static final float[] NOT_FINITE = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};

    /** 300 x 250 weights and 250 biases: 75,250 values. */
    private static Params params(DataType type) {
        Params p = new Params(List.of(ParamSpec.weight("W", Init.XAVIER, 300, 250, 300, 250), ParamSpec.bias("b", 250)), type);
        p.gradients().assign(0.5);
        p.gradients().putScalar(7, Float.MAX_VALUE); // large and tiny values are finite
        p.gradients().putScalar(70_000, -Float.MIN_VALUE);
        return p;
    }

    @Test
    void aNonFiniteGradientAnywhereInTheParametersIsFound() {
        for (DataType type : List.of(DataType.FLOAT, DataType.DOUBLE)) {
            Params p = params(type);
            HostParams chunks = p.chunks();
            chunks.loadGradients(p);
            assertTrue(chunks.gradientsFinite(), type.toString());
            for (int at : new int[] {0, 65_535, 65_536, 75_249}) {
                for (float bad : NOT_FINITE) {
                    p.gradients().putScalar(at, bad);
                    chunks.loadGradients(p);
                    assertFalse(chunks.gradientsFinite(), type + ": " + bad + " at " + at);
                    p.gradients().putScalar(at, 0.5);
                    chunks.loadGradients(p);
                    assertTrue(chunks.gradientsFinite(), type + ": 0.5 again at " + at);
                }
            }
        }
    }

    @Test
    void aNonFiniteGradientInAnyHeapRowIsFound() {
        Params p = params(DataType.FLOAT);
        HostParams host = HostParams.of(p, true);
        host.loadGradients(p);
        assertTrue(host.gradientsFinite());
        for (int[] at : new int[][] {{0, 0}, {150, 249}, {299, 3}, {300, 249}}) { // rows of W, then the bias
            for (float bad : NOT_FINITE) {
                host.gradients()[at[0]][at[1]] = bad;
                assertFalse(host.gradientsFinite(), bad + " at row " + at[0]);
                host.gradients()[at[0]][at[1]] = 0.5f;
                assertTrue(host.gradientsFinite(), "0.5 again at row " + at[0]);
            }
        }
    }
}
