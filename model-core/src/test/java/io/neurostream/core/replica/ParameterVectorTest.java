package io.neurostream.core.replica;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.neurostream.core.gradcheck.GradientCheck;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.ModelSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class ParameterVectorTest {
    private static final String BN_NET = """
            {"name": "bn", "input": {"shape": [6]}, "seed": 3,
             "layers": [{"type": "dense", "units": 8, "activation": "relu"}, {"type": "batch_norm"},
                        {"type": "dense", "units": 3, "activation": "softmax"}],
             "loss": "cross_entropy", "optimizer": {"type": "adam"}, "batch_size": 4%s}
            """;

    private static Network trained(String dtypeField, long seed, int steps) {
        Network net = Network.create(ModelSpec.parse(BN_NET.formatted(dtypeField)));
        for (int i = 0; i < steps; i++) {
            train(net, seed + i);
        }
        return net;
    }

    private static void train(Network net, long seed) {
        INDArray x = GradientCheck.randomInput(seed, net.inputShape().withBatch(4)).castTo(net.dataType());
        INDArray y = GradientCheck.randomOneHot(seed + 1000, 4, 3).castTo(net.dataType());
        net.trainStep(x, y);
    }

    private static INDArray probe(Network net) {
        return net.predict(GradientCheck.randomInput(77, net.inputShape().withBatch(5)).castTo(net.dataType()));
    }

    @Test
    void holdsTheWeightsAndTheBatchNormStatistics() {
        Network net = trained("", 1, 3);
        assertEquals(net.params().trainableCount() + net.params().stateCount(), ParameterVector.capture(net).length);
        assertNotEquals(0, net.params().stateCount(), "the test network has batch-norm state");
    }

    @Test
    void aNetworkWithoutBatchNormSendsNoPadding() {
        Network net = Network.create(ModelSpec.parse("""
                {"name": "plain", "input": {"shape": [3]}, "layers": [{"type": "dense", "units": 2, "activation": "softmax"}],
                 "loss": "cross_entropy", "optimizer": {"type": "sgd", "learning_rate": 0.1}}
                """));
        assertEquals(8, ParameterVector.capture(net).length, "3x2 weights and 2 biases, nothing else");
    }

    @Test
    void assignedParametersPredictAsTheNetworkTheyCameFrom() {
        for (String dtype : new String[] {"", ", \"dtype\": \"float64\""}) {
            Network source = trained(dtype, 1, 5);
            Network target = trained(dtype, 50, 2);
            ParameterVector.assign(target, ParameterVector.capture(source));
            assertEquals(probe(source), probe(target), dtype);
            assertArrayEquals(ParameterVector.capture(source), ParameterVector.capture(target));
        }
    }

    @Test
    void assignedParametersAreWhatTheNextStepTrainsFrom() {
        Network a = trained("", 1, 4);
        Network b = trained("", 9, 1);
        ParameterVector.assign(b, ParameterVector.capture(a));
        // b keeps its own optimizer state, so compare one plain step against the captured start instead of against a
        double[] before = ParameterVector.capture(b);
        train(b, 500);
        assertNotEquals(Arrays.hashCode(before), Arrays.hashCode(ParameterVector.capture(b)));
        Network c = trained("", 9, 1);
        ParameterVector.assign(c, before);
        train(c, 500);
        assertArrayEquals(ParameterVector.capture(b), ParameterVector.capture(c), "same start, same optimizer state, same step");
    }

    @Test
    void aFloatDeltaIsRoundedToFloat() {
        double[] d = ParameterVector.delta(new double[] {1.0, 0.1}, new double[] {0.0, 0.0}, DataType.FLOAT);
        assertEquals(1.0, d[0]);
        assertEquals((double) 0.1f, d[1]);
        assertEquals(0.1, ParameterVector.delta(new double[] {0.1}, new double[] {0.0}, DataType.DOUBLE)[0]);
    }

    @Test
    void aMergedModelPlusAChangeIsSummedInDoubleThenRounded() {
        double[] sum = ParameterVector.plus(new double[] {1.0, (double) 0.1f}, new double[] {1e-9, (double) 0.2f}, DataType.FLOAT);
        assertEquals(1.0, sum[0], "1 + 1e-9 rounds back to 1 in float32");
        assertEquals((double) (float) ((double) 0.1f + (double) 0.2f), sum[1]);
        assertEquals(1.0 + 1e-9, ParameterVector.plus(new double[] {1.0}, new double[] {1e-9}, DataType.DOUBLE)[0]);
        assertThrows(IllegalArgumentException.class, () -> ParameterVector.plus(new double[2], new double[3], DataType.FLOAT));
    }

    @Test
    void aVectorOfTheWrongLengthIsRefusedInOneLine() {
        Network net = trained("", 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParameterVector.assign(net, new double[3]));
        assertEquals("model bn has " + ParameterVector.length(net) + " parameter values, got 3", e.getMessage());
    }
}
