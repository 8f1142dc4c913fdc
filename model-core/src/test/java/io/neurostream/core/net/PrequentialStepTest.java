// evaluateThenTrain shares one forward pass between prediction and training: it must change nothing, bit for bit.
package io.neurostream.core.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.gradcheck.GradientCheck;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

@Tag("numerics")
class PrequentialStepTest {

    private static final String WITH_DROPOUT = """
            {"name": "dropout-mlp", "input": {"shape": [784]},
             "layers": [{"type": "dense", "units": 32, "activation": "relu"}, {"type": "dropout", "rate": 0.5},
                        {"type": "dense", "units": 10, "activation": "softmax"}],
             "loss": "cross_entropy", "optimizer": {"type": "adam"}, "batch_size": 32, "seed": 5}""";

    private static Network mlp() {
        return Network.create(Presets.load("mnist-mlp").with(Map.of("seed", 3)));
    }

    @Test
    void oneForwardPassGivesTheSamePredictionsLossesAndWeightsAsEvaluateThenTrainStep() {
        assertSameAsEvaluateThenTrainStep(mlp(), mlp());
    }

    @Test
    void withDropoutPredictionsComeFromTheTestModePassAndTrainingFromAMaskedOne() {
        assertSameAsEvaluateThenTrainStep(Network.create(ModelSpec.parse(WITH_DROPOUT)), Network.create(ModelSpec.parse(WITH_DROPOUT)));
    }

    private static void assertSameAsEvaluateThenTrainStep(Network separate, Network shared) {
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
