// The resets a drift reaction applies: the optimizer restarted, all weights or the read-out drawn afresh.
package io.neurostream.core.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.spec.ModelSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NetworkResetTest {
    /** batch 8 computes on the heap, batch 64 with the ND4J layers: both paths must see the new values. */
    private static Network net(int batch) {
        return Network.create(ModelSpec.parse("""
                {"name": "m", "input": {"shape": [3]},
                 "layers": [{"type": "dense", "units": 5, "activation": "tanh"}, {"type": "dense", "units": 2, "activation": "softmax"}],
                 "loss": "cross_entropy", "optimizer": {"type": "adam", "learning_rate": 0.01}, "batch_size": %d, "seed": 4}
                """.formatted(batch)));
    }

    private static INDArray x(int batch) {
        float[] v = new float[batch * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sin(i * 0.7);
        }
        return Nd4j.create(v, new long[] {batch, 3}, 'c');
    }

    private static INDArray y(int batch) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 2);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % 2, 1f);
        }
        return y;
    }

    private static Network trained(int batch, int steps) {
        Network net = net(batch);
        for (int i = 0; i < steps; i++) {
            net.trainStep(x(batch), y(batch));
        }
        return net;
    }

    private static float[] values(Network net, String name) {
        return net.params().value(name).dup().data().asFloat();
    }

    private static boolean allZero(Network net) {
        return net.optimizer().state().values().stream().allMatch(a -> a.amaxNumber().doubleValue() == 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 64})
    void restartingTheOptimizerZeroesItsMomentsAndCountsItsUpdatesFromOneAgain(int batch) {
        Network net = trained(batch, 5);
        float[] weights = values(net, "0.W");
        assertFalse(allZero(net));
        net.restartOptimizer();
        assertTrue(allZero(net), "moments zero");
        assertEquals(0, net.optimizerSteps());
        assertEquals(5, net.optimizerOrigin());
        assertEquals(5, net.counters().steps(), "the model's step count goes on");
        assertArrayEquals(weights, values(net, "0.W"), "weights kept");

        // The next update is Adam's first again: the same as a fresh optimizer's on the same weights and batch.
        Network fresh = SnapshotCodec.decode(SnapshotCodec.encode(net));
        fresh.restoreOptimizerOrigin(5);
        net.trainStep(x(batch), y(batch));
        fresh.trainStep(x(batch), y(batch));
        assertEquals(1, net.optimizerSteps());
        assertArrayEquals(values(fresh, "0.W"), values(net, "0.W"));
        Network unrestarted = trained(batch, 6);
        assertFalse(Arrays.equals(values(unrestarted, "0.W"), values(net, "0.W")), "a restarted optimizer steps otherwise");
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 64})
    void resettingTheHeadDrawsOnlyTheLastLayerAfreshAndResettingTheWeightsDrawsAll(int batch) {
        Network head = trained(batch, 5);
        float[] hidden = values(head, "0.W");
        float[] readOut = values(head, "1.W");
        head.reinitialize(true);
        assertArrayEquals(hidden, values(head, "0.W"), "the hidden layer kept");
        assertFalse(Arrays.equals(readOut, values(head, "1.W")), "the read-out drawn afresh");
        assertTrue(allZero(head) && head.optimizerSteps() == 0, "optimizer restarted");
        float[] bias = values(head, "1.b");
        for (float b : bias) {
            assertEquals(0f, b, "biases start at zero");
        }
        Network all = trained(batch, 5);
        all.reinitialize(false);
        assertFalse(Arrays.equals(hidden, values(all, "0.W")));
        assertFalse(Arrays.equals(readOut, values(all, "1.W")));
        assertTrue(allZero(all) && all.optimizerSteps() == 0);

        // Drawn from the model's generator: the same history draws the same values, and the forward pass sees them.
        Network again = trained(batch, 5);
        again.reinitialize(true);
        assertArrayEquals(values(head, "1.W"), values(again, "1.W"));
        assertArrayEquals(head.predict(x(batch)).dup().data().asFloat(), again.predict(x(batch)).dup().data().asFloat());
        Network untouched = trained(batch, 5);
        assertFalse(Arrays.equals(untouched.predict(x(batch)).dup().data().asFloat(), head.predict(x(batch)).dup().data().asFloat()),
                "the new read-out is used");
    }

    @Test
    void anOptimizerOriginBeyondTheStepCountIsRefused() {
        Network net = trained(8, 2);
        assertEquals("model m: optimizer origin 3 is outside 0..2",
                assertThrows(IllegalArgumentException.class, () -> net.restoreOptimizerOrigin(3)).getMessage());
    }
}
