// The LSTM's float32 path (the cell on the heap, in its Vector API variant or its loops; the per-step products of tensor/Gemm; a row gather on one-hot input) agrees with the float64 path that the gradient checks verify, and its two cells give the same bits.
package io.neurostream.core.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.gradcheck.GradientCheck;
import io.neurostream.core.params.Init;
import io.neurostream.core.params.Params;
import io.neurostream.core.rng.Rng;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Tagged numerics: the kernel matrix's run without the Vector API checks the fallback (OpenBLAS products, the loops' cell). */
@Tag("numerics")
class LstmFloatPathTest {
    private static final int BATCH = 3;

    private static Params bind(Layer layer, DataType type) {
        Params params = new Params(layer.params().stream().map(p -> p.prefixed("0")).toList(), type);
        layer.bind(params.viewsFor("0"));
        params.initialize(new Rng(31));
        params.value("0.b").assign(GradientCheck.randomInput(32, params.value("0.b").length()));
        return params;
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
        double worst = expected.sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue() / scale;
        assertTrue(worst < 1e-4, what + ": float32 differs from float64 by " + worst + " (relative to the largest value)");
    }

    @ParameterizedTest(name = "T{0} D{1} H{2} sequences {3} reversed {4} truncation {5}")
    @CsvSource({"7, 5, 6, true, false, 0", "7, 5, 6, false, false, 0", "6, 4, 3, true, true, 0", "9, 3, 4, true, false, 4",
            "5, 2, 8, false, true, 2"})
    void forwardAndAllGradientsMatch(int steps, int inputs, int units, boolean sequences, boolean reversed, int truncation) {
        Lstm wide = new Lstm(steps, inputs, units, sequences, reversed, truncation, Init.XAVIER, DataType.DOUBLE);
        Lstm narrow = new Lstm(steps, inputs, units, sequences, reversed, truncation, Init.XAVIER, DataType.FLOAT);
        Params p64 = bind(wide, DataType.DOUBLE);
        Params p32 = bind(narrow, DataType.FLOAT);
        p32.values().assign(p64.values().castTo(DataType.FLOAT));
        INDArray x = GradientCheck.randomInput(33, BATCH, steps, inputs);
        INDArray dOut = GradientCheck.randomInput(34, wide.outputShape().withBatch(BATCH));
        Pass pass = new Pass(true, new Rng(1));
        for (int call = 1; call <= 2; call++) { // the second call reuses the workspace: nothing may accumulate
            p64.zeroGradients();
            p32.zeroGradients();
            assertClose(wide.forward(x, pass), narrow.forward(x.castTo(DataType.FLOAT), pass), "forward, call " + call);
            assertClose(wide.backward(dOut, true), narrow.backward(dOut.castTo(DataType.FLOAT), true), "dIn, call " + call);
            for (String name : new String[] {"0.Wx", "0.Wh", "0.b"}) {
                assertClose(p64.gradient(name), p32.gradient(name), "d" + name + ", call " + call);
            }
        }
    }

    /**
     * On one-hot input the float32 cell gathers rows of Wx + b and sums dL/dz rows into dL/dWx;
     * the float64 cell multiplies the one-hot rows as usual. Tokens repeat, so rows of dL/dWx sum
     * several steps and samples.
     */
    @ParameterizedTest(name = "T{0} V{1} H{2} sequences {3} truncation {4} dIn {5}")
    @CsvSource({"7, 5, 6, true, 0, false", "7, 5, 6, false, 0, false", "9, 3, 4, true, 4, true", "5, 11, 8, false, 2, true"})
    void oneHotInputIsARowGather(int steps, int vocabulary, int units, boolean sequences, int truncation, boolean needInputGradient) {
        OneHot oneHot64 = new OneHot(steps, vocabulary, DataType.DOUBLE);
        OneHot oneHot32 = new OneHot(steps, vocabulary, DataType.FLOAT);
        Lstm wide = new Lstm(steps, vocabulary, units, sequences, false, truncation, Init.XAVIER, DataType.DOUBLE);
        Lstm narrow = new Lstm(steps, vocabulary, units, sequences, false, truncation, Init.XAVIER, DataType.FLOAT);
        OneHot.fuseTokenInputs(List.of(oneHot32, narrow));
        Params p64 = bind(wide, DataType.DOUBLE);
        Params p32 = bind(narrow, DataType.FLOAT);
        p32.values().assign(p64.values().castTo(DataType.FLOAT));
        INDArray tokens = Nd4j.zeros(DataType.DOUBLE, BATCH, steps);
        for (int i = 0; i < BATCH * steps; i++) {
            tokens.putScalar(i, (i * 7 + i / 3) % vocabulary);
        }
        INDArray dOut = GradientCheck.randomInput(35, wide.outputShape().withBatch(BATCH));
        Pass pass = new Pass(true, new Rng(1));
        for (int call = 1; call <= 2; call++) {
            p64.zeroGradients();
            p32.zeroGradients();
            INDArray out64 = wide.forward(oneHot64.forward(tokens, pass), pass);
            INDArray out32 = narrow.forward(oneHot32.forward(tokens.castTo(DataType.FLOAT), pass), pass);
            assertTrue(narrow.lastForwardReadTokens(), "the float32 cell gathers");
            assertClose(out64, out32, "forward, call " + call);
            INDArray dIn64 = wide.backward(dOut, needInputGradient);
            INDArray dIn32 = narrow.backward(dOut.castTo(DataType.FLOAT), needInputGradient);
            if (needInputGradient) {
                assertClose(dIn64, dIn32, "dIn, call " + call);
            }
            for (String name : new String[] {"0.Wx", "0.Wh", "0.b"}) {
                assertClose(p64.gradient(name), p32.gradient(name), "d" + name + ", call " + call);
            }
        }
        narrow.forward(oneHot32.forward(tokens.castTo(DataType.FLOAT), pass).dup(), pass);
        assertFalse(narrow.lastForwardReadTokens(), "a one-hot array that is not the layer's last output is multiplied");
    }

    /**
     * The cell's Vector API variant and its loops over gate arrays compute the same operations in
     * the same order: bit-identical outputs and gradients, with units that are a whole number of
     * vectors or not (the last values of a row go through the scalar tail), on tokens or not.
     */
    @ParameterizedTest(name = "T{0} H{1} sequences {2} reversed {3} truncation {4} tokens {5}")
    @CsvSource({"6, 37, true, false, 0, false", "5, 16, false, true, 2, false", "4, 64, true, false, 3, true",
            "7, 5, true, false, 0, true", "3, 128, false, false, 0, true", "4, 20, true, true, 0, false", "5, 33, true, true, 2, true"})
    void vectorCellGivesTheLoopsBits(int steps, int units, boolean sequences, boolean reversed, int truncation, boolean tokens) {
        int vocabulary = 11;
        Layer[] vector = {new OneHot(steps, vocabulary, DataType.FLOAT),
                new Lstm(steps, vocabulary, units, sequences, reversed, truncation, Init.XAVIER, DataType.FLOAT)};
        Layer[] loops = {new OneHot(steps, vocabulary, DataType.FLOAT),
                new Lstm(steps, vocabulary, units, sequences, reversed, truncation, Init.XAVIER, DataType.FLOAT)};
        ((Lstm) loops[1]).useLoopCell();
        if (tokens) {
            OneHot.fuseTokenInputs(List.of(vector));
            OneHot.fuseTokenInputs(List.of(loops));
        }
        Params pv = bind(vector[1], DataType.FLOAT);
        Params pl = bind(loops[1], DataType.FLOAT);
        INDArray ids = Nd4j.zeros(DataType.FLOAT, BATCH, steps);
        for (int i = 0; i < BATCH * steps; i++) {
            ids.putScalar(i, (i * 5 + i / 4) % vocabulary);
        }
        INDArray dOut = GradientCheck.randomInput(36, vector[1].outputShape().withBatch(BATCH)).castTo(DataType.FLOAT);
        Pass pass = new Pass(true, new Rng(1));
        for (int call = 1; call <= 2; call++) {
            pv.zeroGradients();
            pl.zeroGradients();
            INDArray outV = vector[1].forward(vector[0].forward(ids, pass), pass);
            INDArray outL = loops[1].forward(loops[0].forward(ids, pass), pass);
            assertArrayEquals(outL.dup().data().asFloat(), outV.dup().data().asFloat(), "forward, call " + call);
            INDArray dInV = vector[1].backward(dOut, true);
            INDArray dInL = loops[1].backward(dOut, true);
            assertArrayEquals(dInL.dup().data().asFloat(), dInV.dup().data().asFloat(), "dIn, call " + call);
            assertArrayEquals(pl.gradients().data().asFloat(), pv.gradients().data().asFloat(), "gradients, call " + call);
        }
    }
}
