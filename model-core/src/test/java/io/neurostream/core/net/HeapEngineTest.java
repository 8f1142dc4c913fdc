// The heap path computes what the ND4J layers compute, and its parameters cross over when asked.
package io.neurostream.core.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.gradcheck.GradientCheck;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The ND4J layers are checked against central differences in float64 (gradcheck); the heap
 * path, float32 only, is checked against them: outputs, losses and gradients to float32
 * rounding, and weights after several optimizer steps.
 */
@Tag("numerics")
class HeapEngineTest {
    private static final int BATCH = 5;   // not a multiple of 4: the blocked loops' remainders run too
    private static final int INPUTS = 13;

    /** dense(9) -> hidden -> dense(6) -> hidden -> dense(K) -> output, with the given loss and optimizer. */
    private static ModelSpec spec(String hidden, String output, String loss, int outputs, String optimizer) {
        return ModelSpec.parse("""
                {"name": "heap", "input": {"shape": [%d]}, "seed": 5, "batch_size": %d,
                 "layers": [{"type": "dense", "units": 9, "activation": "%s", "alpha": 0.1},
                            {"type": "dense", "units": 6, "activation": "%s", "alpha": 0.1},
                            {"type": "dense", "units": %d, "activation": "%s"}],
                 "loss": "%s", "optimizer": %s}
                """.formatted(INPUTS, BATCH, hidden, hidden, outputs, output, loss, optimizer).replace(", \"alpha\": 0.1",
                hidden.equals("leaky_relu") ? ", \"alpha\": 0.1" : ""));
    }

    /** Random inputs with every third value exactly 0 (the heap path skips zero inputs). */
    private static INDArray input(long seed) {
        INDArray x = GradientCheck.randomInput(seed, BATCH, INPUTS).castTo(DataType.FLOAT);
        for (long i = 0; i < x.length(); i += 3) {
            x.putScalar(i, 0);
        }
        return x;
    }

    private static INDArray targets(long seed, String loss, int outputs) {
        INDArray y = GradientCheck.randomOneHot(seed, BATCH, outputs).castTo(DataType.FLOAT);
        return loss.endsWith("squared_error") ? y.muli(0.8).addi(0.1) : y;
    }

    private static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
        double[] e = expected.dup().ravel().toDoubleVector();
        double[] a = actual.dup().ravel().toDoubleVector();
        assertEquals(e.length, a.length, what + ": length");
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], tolerance * (1 + Math.abs(e[i])), what + " [" + i + "]");
        }
    }

    @ParameterizedTest(name = "{0} hidden, {1} output, {2}")
    @CsvSource({
        "relu, softmax, cross_entropy, 4",
        "sigmoid, sigmoid, binary_cross_entropy, 3",
        "tanh, identity, mean_squared_error, 2",
        "leaky_relu, sigmoid, half_squared_error, 3",
        "identity, tanh, half_squared_error, 2",
        "relu, relu, mean_squared_error, 1",
        "softmax, softmax, cross_entropy, 3",
        "relu, softmax, mean_squared_error, 3",
        "relu, sigmoid, cross_entropy, 3",
        "tanh, softmax, binary_cross_entropy, 3"
    })
    void computesWhatTheNd4jLayersCompute(String hidden, String output, String loss, int outputs) {
        ModelSpec spec = spec(hidden, output, loss, outputs, "{\"type\": \"sgd\", \"learning_rate\": 0.1}");
        Network heap = Network.create(spec);
        Network nd4j = Network.create(spec, false);
        assertTrue(heap.computesOnHeap());
        assertFalse(nd4j.computesOnHeap());
        INDArray x = input(1);
        INDArray y = targets(2, loss, outputs);

        assertClose(nd4j.predict(x), heap.predict(x), 1e-6, "prediction");
        Evaluation e = nd4j.evaluate(x, y);
        Evaluation h = heap.evaluate(x, y);
        assertClose(e.perSampleLoss(), h.perSampleLoss(), 1e-6, "per-sample loss");
        assertEquals(e.meanLoss(), h.meanLoss(), 1e-6 * (1 + Math.abs(e.meanLoss())), "mean loss");

        assertEquals(nd4j.computeGradients(x, y), heap.computeGradients(x, y), 1e-6 * (1 + Math.abs(e.meanLoss())), "training loss");
        assertClose(nd4j.params().gradients(), heap.params().gradients(), 1e-5, "gradients");
        assertTrue(heap.params().gradients().amaxNumber().doubleValue() > 0, "some gradient is not zero");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"type\": \"adam\", \"learning_rate\": 0.01, \"weight_decay\": 0.01}",
        "{\"type\": \"sgd\", \"learning_rate\": 0.1, \"momentum\": 0.9, \"weight_decay\": 0.01}",
        "{\"type\": \"sgd\", \"learning_rate\": 0.1}"
    })
    void trainsAsTheNd4jLayersTrain(String optimizer) {
        ModelSpec spec = spec("tanh", "softmax", "cross_entropy", 4, optimizer);
        Network heap = Network.create(spec);
        Network nd4j = Network.create(spec, false);
        INDArray before = heap.params().values().dup();
        for (int step = 0; step < 20; step++) {
            INDArray x = input(10 + step);
            INDArray y = targets(30 + step, "cross_entropy", 4);
            assertTrue(heap.trainStep(x, y).applied());
            nd4j.trainStep(x, y);
        }
        assertEquals(20, heap.counters().steps());
        assertClose(nd4j.params().values(), heap.params().values(), 1e-4, "weights after 20 steps");
        assertTrue(before.distance2(heap.params().values()) > 1e-2, "the weights moved");
    }

    @Test
    void batchesOfEverySizeInAnyOrderComputeAsTheNd4jLayers() {
        ModelSpec spec = spec("relu", "softmax", "cross_entropy", 4, "{\"type\": \"adam\"}");
        Network heap = Network.create(spec);
        Network nd4j = Network.create(spec, false);
        INDArray x = input(11);
        INDArray y = targets(12, "cross_entropy", 4);
        for (int rows : new int[] {5, 1, 3, 5, 2, 1, 5}) { // buffers sized for 5 hold a batch of 1 after it: rows past it must not count
            INDArray xs = x.get(NDArrayIndex.interval(0, rows)).dup();
            INDArray ys = y.get(NDArrayIndex.interval(0, rows)).dup();
            assertClose(nd4j.predict(xs), heap.predict(xs), 1e-6, "prediction of " + rows);
            assertEquals(nd4j.computeGradients(xs, ys), heap.computeGradients(xs, ys), 1e-6, "loss of " + rows);
            assertClose(nd4j.params().gradients(), heap.params().gradients(), 1e-5, "gradients of " + rows);
        }
    }

    @Test
    void parametersCrossBetweenTheHeapAndParamsBothWays() {
        Network net = Network.create(Presets.load("mnist-mlp").with(Map.of("batch_size", 8)));
        assertTrue(net.computesOnHeap());
        INDArray x = GradientCheck.randomInput(3, 8, 784).castTo(DataType.FLOAT);
        INDArray y = GradientCheck.randomOneHot(4, 8, 10).castTo(DataType.FLOAT);
        INDArray before = net.params().values().dup();
        net.trainStep(x, y);
        assertTrue(before.distance2(net.params().values()) > 0, "a step on the heap shows in params()");

        net.params().values().assign(0); // written through params(): the next pass must see it
        INDArray p = net.predict(x);
        for (double v : p.dup().ravel().toDoubleVector()) {
            assertEquals(0.1, v, 1e-7, "all-zero weights predict the uniform distribution");
        }
    }

    @Test
    void aSnapshotOfAHeapNetworkContinuesBitForBit() {
        Network net = Network.create(Presets.load("mnist-mlp").with(Map.of("batch_size", 4, "optimizer", Map.of("type", "adam"))));
        INDArray[] xs = new INDArray[6];
        INDArray[] ys = new INDArray[6];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = input784(40 + i);
            ys[i] = GradientCheck.randomOneHot(60 + i, 4, 10).castTo(DataType.FLOAT);
        }
        for (int i = 0; i < 3; i++) {
            net.trainStep(xs[i], ys[i]);
        }
        Network copy = SnapshotCodec.decode(SnapshotCodec.encode(net));
        assertTrue(copy.computesOnHeap());
        for (int i = 3; i < xs.length; i++) {
            net.trainStep(xs[i], ys[i]);
            copy.trainStep(xs[i], ys[i]);
        }
        assertArrayEquals(SnapshotCodec.encode(net), SnapshotCodec.encode(copy));
    }

    @Test
    void aNonFiniteLossSkipsTheStepAndKeepsTheWeights() {
        Network net = Network.create(spec("relu", "softmax", "cross_entropy", 4, "{\"type\": \"adam\"}"));
        INDArray x = input(7);
        x.putScalar(1, Float.NaN);
        INDArray before = net.params().values().dup();
        StepResult step = net.trainStep(x, targets(8, "cross_entropy", 4));
        assertFalse(step.applied());
        assertEquals(1, net.counters().skippedSteps());
        assertEquals(before, net.params().values());
    }

    @Test
    void onlyFloat32DenseStacksAtSmallBatchesComputeOnTheHeap() {
        ModelSpec mlp = Presets.load("mnist-mlp");
        assertTrue(Network.create(mlp).computesOnHeap());
        assertTrue(Network.create(mlp.with(Map.of("batch_size", HeapEngine.MAX_BATCH))).computesOnHeap());
        assertFalse(Network.create(mlp.with(Map.of("batch_size", HeapEngine.MAX_BATCH + 1))).computesOnHeap());
        assertFalse(Network.create(mlp.with(Map.of("dtype", "float64"))).computesOnHeap());
        assertFalse(Network.create(Presets.load("lenet5")).computesOnHeap());
        assertTrue(Network.create(spec("softmax", "softmax", "cross_entropy", 3, "{\"type\": \"sgd\"}")).computesOnHeap(),
                "softmax before the last layer");
        assertTrue(Network.create(spec("relu", "softmax", "mean_squared_error", 3, "{\"type\": \"sgd\"}")).computesOnHeap(),
                "softmax without cross-entropy");
        assertTrue(Network.create(spec("relu", "identity", "cross_entropy", 3, "{\"type\": \"sgd\"}")).computesOnHeap(),
                "cross-entropy without softmax");
        assertFalse(Network.create(ModelSpec.parse("""
                {"name": "d", "input": {"shape": [4]}, "layers": [{"type": "dense", "units": 3, "activation": "relu"},
                 {"type": "dropout", "rate": 0.5}, {"type": "dense", "units": 2, "activation": "softmax"}],
                 "loss": "cross_entropy", "optimizer": {"type": "sgd"}}
                """)).computesOnHeap(), "dropout");
    }

    private static INDArray input784(long seed) {
        return GradientCheck.randomInput(seed, 4, 784).castTo(DataType.FLOAT);
    }

    /** The array engine's float32 dense layers and loss copy what they read: float64 inputs and targets train as their float32 casts do. */
    @Test
    void theArrayEngineTrainsFloat64InputsAndTargetsAsTheirFloat32Casts() {
        ModelSpec spec = Presets.load("mnist-mlp").with(Map.of("batch_size", 64));
        Network wide = Network.create(spec);
        Network narrow = Network.create(spec);
        assertFalse(wide.computesOnHeap());
        for (int i = 0; i < 3; i++) {
            INDArray x = GradientCheck.randomInput(90 + i, 64, 784).castTo(DataType.FLOAT).castTo(DataType.DOUBLE);
            INDArray y = GradientCheck.randomOneHot(95 + i, 64, 10);
            wide.trainStep(x, y);
            narrow.trainStep(x.castTo(DataType.FLOAT), y.castTo(DataType.FLOAT));
        }
        assertEquals(narrow.params().values(), wide.params().values());
    }
}
