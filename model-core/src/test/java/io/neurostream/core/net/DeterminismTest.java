// Same seed and same inputs give bit-identical models.
package io.neurostream.core.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.gradcheck.GradientCheck;
import io.neurostream.core.spec.Presets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

@Tag("numerics")
class DeterminismTest {

    private static byte[] trainAndSnapshot(long seed, int steps) {
        Network net = Network.create(Presets.load("mnist-mlp").with(Map.of("seed", seed, "optimizer", Map.of("type", "adam"))));
        for (int i = 0; i < steps; i++) {
            INDArray x = GradientCheck.randomInput(100 + i, 32, 784).castTo(DataType.FLOAT);
            INDArray y = GradientCheck.randomOneHot(200 + i, 32, 10).castTo(DataType.FLOAT);
            net.trainStep(x, y);
        }
        return SnapshotCodec.encode(net);
    }

    @Test
    void sameSeedAndInputsGiveBitIdenticalWeightsAndOptimizerState() {
        assertArrayEquals(trainAndSnapshot(7, 20), trainAndSnapshot(7, 20));
    }

    @Test
    void anotherSeedGivesOtherWeights() {
        assertFalse(Arrays.equals(trainAndSnapshot(7, 3), trainAndSnapshot(8, 3)));
    }
}
