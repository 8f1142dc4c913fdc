// The conv presets reach their accuracy targets on MNIST after one epoch of batch 32 (a few minutes on one core).
package io.neurostream.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.data.DataLocator;
import io.neurostream.core.data.Dataset;
import io.neurostream.core.data.Mnist;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The same run as {@code neurostream train --model NAME --data ops/data/mnist --epochs 1 --batch 32}. */
@Tag("integration")
@Tag("accuracy")
class ConvAccuracyIT {

    @ParameterizedTest(name = "{0} >= {1}")
    @CsvSource({"lenet5, 0.985", "mnist-cnn, 0.990"})
    void oneEpochOfMnistReachesTheTarget(String preset, double target) {
        Path mnist = DataLocator.locate().resolve("mnist");
        Dataset train = Mnist.train(mnist);
        Dataset test = Mnist.test(mnist);
        ModelSpec spec = Presets.load(preset);
        Network net = Network.create(spec);
        Trainer.Result result = new Trainer(1, 32, spec.seed(), 30.0, p -> {})
                .train(net, new DatasetBatches(train, net), new DatasetBatches(test, net));
        assertEquals(10_000, result.test().examples());
        System.out.printf("%s: test accuracy %.4f after one epoch (%.0f samples/s)%n", preset, result.test().accuracy(), result.samplesPerSecond());
        assertTrue(result.test().accuracy() >= target, preset + ": test accuracy " + result.test().accuracy() + " < " + target);
    }
}
