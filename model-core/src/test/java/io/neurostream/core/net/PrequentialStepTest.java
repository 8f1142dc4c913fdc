// evaluateThenTrain shares one forward pass between prediction and training: it must change nothing, bit for bit.
package io.neurostream.core.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.gradcheck.GradientCheck;
import io.neurostream.core.spec.Presets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class PrequentialStepTest {

    private static Network mlp() {
        return Network.create(Presets.load("mnist-mlp").with(Map.of("seed", 3)));
    }

    @Test
    void oneForwardPassGivesTheSamePredictionsLossesAndWeightsAsEvaluateThenTrainStep() {
        Network separate = mlp();
        Network shared = mlp();
        for (int i = 0; i < 5; i++) {
            INDArray x = GradientCheck.randomInput(10 + i, 32, 784).castTo(DataType.FLOAT);
            INDArray y = GradientCheck.randomOneHot(20 + i, 32, 10).castTo(DataType.FLOAT);
            Evaluation expected = separate.evaluate(x, y);
            float[] expectedOutput = expected.output().dup().data().asFloat();
            float[] expectedLosses = expected.perSampleLoss().dup().data().asFloat();
            StepResult expectedStep = separate.trainStep(x, y);

            Prequential actual = shared.evaluateThenTrain(x, y);
            assertArrayEquals(expectedOutput, actual.evaluation().output().data().asFloat(), "predictions of batch " + i);
            assertArrayEquals(expectedLosses, actual.evaluation().perSampleLoss().data().asFloat(), "per-sample losses of batch " + i);
            assertEquals(expectedStep, actual.step());
        }
        assertArrayEquals(SnapshotCodec.encode(separate), SnapshotCodec.encode(shared), "weights, optimizer state and counters");
    }
}
