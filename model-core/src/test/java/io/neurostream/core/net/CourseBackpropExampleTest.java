// The course's worked back-propagation example (2-2-2 sigmoid net, one SGD step), to the printed digits.
package io.neurostream.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.neurostream.core.layers.Layer;
import io.neurostream.core.layers.Pass;
import io.neurostream.core.spec.ModelSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inputs i1 = 0.05, i2 = 0.10; weights w1..w8, biases b1 = 0.35 and b2 = 0.60 held fixed; sigmoid
 * everywhere; targets 0.01 and 0.99; E = ½Σ(d − o)²; η = 0.5. W[i][j] is the weight from input i
 * to unit j, so w1 (i1→h1), w2 (i2→h1), w3 (i1→h2), w4 (i2→h2); w5 (h1→o1), w6 (h2→o1),
 * w7 (h1→o2), w8 (h2→o2).
 */
@Tag("numerics")
class CourseBackpropExampleTest {
    private static final String SPEC = """
            {"name": "course-2-2-2", "input": {"shape": [2]},
             "layers": [{"type": "dense", "units": 2, "activation": "sigmoid", "fixed_bias": true},
                        {"type": "dense", "units": 2, "activation": "sigmoid", "fixed_bias": true}],
             "loss": "half_squared_error", "optimizer": {"type": "sgd", "learning_rate": 0.5},
             "batch_size": 1, "dtype": "float64"}
            """;

    private Network net;
    private final INDArray input = Nd4j.create(new double[][] {{0.05, 0.10}});
    private final INDArray target = Nd4j.create(new double[][] {{0.01, 0.99}});

    @BeforeEach
    void setCourseWeights() {
        net = Network.create(ModelSpec.parse(SPEC));
        net.params().value("0.W").assign(Nd4j.create(new double[][] {{0.15, 0.25}, {0.20, 0.30}}));
        net.params().value("0.b").assign(0.35);
        net.params().value("1.W").assign(Nd4j.create(new double[][] {{0.40, 0.50}, {0.45, 0.55}}));
        net.params().value("1.b").assign(0.60);
    }

    /** Asserts the value rounds to the printed digits: within half a unit of the last one. */
    private static void assertPrinted(String printed, double actual) {
        int decimals = printed.length() - printed.indexOf('.') - 1;
        assertEquals(Double.parseDouble(printed), actual, 0.5 * Math.pow(10, -decimals), "printed " + printed);
    }

    @Test
    void forwardPassMatchesTheCourse() {
        Pass pass = new Pass(false, net.rng());
        Layer hidden = net.layers().get(0);
        INDArray netH = hidden.forward(input, pass);
        assertPrinted("0.3775", netH.getDouble(0, 0));
        INDArray outH = net.layers().get(1).forward(netH, pass);
        assertPrinted("0.593269992", outH.getDouble(0, 0));
        assertPrinted("0.596884378", outH.getDouble(0, 1));
        INDArray netO = net.layers().get(2).forward(outH, pass);
        assertPrinted("1.105905967", netO.getDouble(0, 0));

        Evaluation eval = net.evaluate(input, target);
        assertPrinted("0.75136507", eval.output().getDouble(0, 0));
        assertPrinted("0.772928465", eval.output().getDouble(0, 1));
        assertPrinted("0.298371109", eval.meanLoss());
    }

    @Test
    void oneStepUpdatesTheWeightsAsTheCourse() {
        StepResult result = net.trainStep(input, target);
        assertEquals(true, result.applied());
        assertPrinted("0.298371109", result.loss());

        INDArray w2 = net.params().value("1.W");
        assertEquals(0.35891648, w2.getDouble(0, 0), 1e-9, "w5");
        assertEquals(0.408666186, w2.getDouble(1, 0), 1e-9, "w6");
        assertEquals(0.511301270, w2.getDouble(0, 1), 1e-9, "w7");
        assertEquals(0.561370121, w2.getDouble(1, 1), 1e-9, "w8");
        INDArray w1 = net.params().value("0.W");
        assertEquals(0.149780716, w1.getDouble(0, 0), 1e-9, "w1");
        assertEquals(0.199561432, w1.getDouble(1, 0), 1e-9, "w2");
        assertEquals(0.249751144, w1.getDouble(0, 1), 1e-9, "w3");
        assertEquals(0.299502287, w1.getDouble(1, 1), 1e-9, "w4");
        assertEquals(0.35, net.params().value("0.b").getDouble(0), 0.0, "b1 held fixed");
        assertEquals(0.60, net.params().value("1.b").getDouble(1), 0.0, "b2 held fixed");
        assertEquals(DataType.DOUBLE, net.params().values().dataType());
    }
}
