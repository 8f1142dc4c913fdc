// The course's single neuron and the XOR argument: AND/OR by hand-set weights, XOR needs a hidden layer.
package io.neurostream.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

@Tag("numerics")
class LogicNetworksTest {
    private static final INDArray INPUTS = Nd4j.create(new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
    private static final float[] AND = {0, 0, 0, 1};
    private static final float[] OR = {0, 1, 1, 1};
    private static final float[] XOR = {0, 1, 1, 0};

    private static INDArray column(float[] v) {
        return Nd4j.create(v, new long[] {v.length, 1}, DataType.FLOAT);
    }

    /** Fraction of rows whose single output, thresholded at 0.5, equals the truth table. */
    private static double accuracy(Network net, float[] truth) {
        INDArray out = net.predict(INPUTS);
        int correct = 0;
        for (int i = 0; i < truth.length; i++) {
            if ((out.getDouble(i, 0) >= 0.5 ? 1 : 0) == truth[i]) {
                correct++;
            }
        }
        return (double) correct / truth.length;
    }

    private static Network neuron(double w1, double w2, double bias) {
        Network net = Network.create(Presets.load("logic-and"));
        net.params().value("0.W").assign(Nd4j.create(new double[][] {{w1}, {w2}}));
        net.params().value("0.b").assign(bias);
        return net;
    }

    @Test
    void aSigmoidNeuronWithHandSetWeightsComputesAndAndOr() {
        assertEquals(1.0, accuracy(neuron(20, 20, -30), AND), "AND: fires only when both inputs are 1");
        assertEquals(1.0, accuracy(neuron(20, 20, -10), OR), "OR: fires when either input is 1");
    }

    @Test
    void trainedLogicPresetsLearnAndAndOr() {
        for (var c : Map.of("logic-and", AND, "logic-or", OR).entrySet()) {
            Network net = Network.create(Presets.load(c.getKey()));
            for (int i = 0; i < 500; i++) {
                net.trainStep(INPUTS, column(c.getValue()));
            }
            assertEquals(1.0, accuracy(net, c.getValue()), c.getKey());
        }
    }

    @Test
    void withoutAHiddenLayerXorStaysAtMostThreeOutOfFour() {
        for (long seed = 1; seed <= 3; seed++) {
            Network net = Network.create(Presets.load("perceptron").with(Map.of("seed", seed)));
            for (int i = 0; i < 1000; i++) {
                net.trainStep(INPUTS, column(XOR));
            }
            assertTrue(accuracy(net, XOR) <= 0.75, "seed " + seed + ": a line cannot separate XOR");
        }
    }

    private static Network trainXor(long seed) {
        Network net = Network.create(Presets.load("xor").with(Map.of("seed", seed)));
        for (int i = 0; i < 4000; i++) {
            net.trainStep(INPUTS, column(XOR));
        }
        return net;
    }

    /** A 2-2-1 net has local minima on XOR, so not every seed solves it; the preset's seed does (4 of 5 in a scan of 20). */
    @Test
    void oneHiddenLayerOfTwoSolvesXor() {
        assertEquals(1.0, accuracy(trainXor(Presets.load("xor").seed()), XOR));
    }

    @Test
    void xorSpecHasExactlyTwoHiddenUnits() {
        ModelSpec spec = Presets.load("xor");
        assertEquals(2 * 2 + 2 + 2 * 1 + 1, Network.create(spec).params().trainableCount());
    }
}
