// The DL4J baseline builds the same networks as ours (same parameter counts for the dense and conv presets) and times them with ModelBench's loop.
package io.neurostream.app.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.bench.ModelBench;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.Presets;
import java.util.Arrays;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class Dl4jBaselineTest {

    @ParameterizedTest
    @ValueSource(strings = {"mnist-mlp", "lenet5", "mnist-cnn"})
    void translatesThePresetWithTheSameParameterCount(String preset) {
        MultiLayerNetwork dl4j = new MultiLayerNetwork(Dl4jBaseline.configure(Presets.load(preset)));
        dl4j.init();
        Network ours = Network.create(Presets.load(preset));
        assertEquals(ours.params().trainableCount(), dl4j.numParams());
        INDArray x = Nd4j.rand(DataType.FLOAT, ours.inputShape().withBatch(2));
        assertArrayEquals(new long[] {2, 10}, dl4j.output(x).shape());
    }

    @Test
    void timesFitWithTheSameRoundsAsOurs() {
        ModelBench.Result result = Dl4jBaseline.measure(Presets.load("mnist-mlp"), 4, 0.01, 0.01, 3);
        assertEquals("dl4j:mnist-mlp", result.model());
        assertEquals(3, result.rates().length, "one rate per timed round");
        assertTrue(Arrays.stream(result.rates()).allMatch(r -> r > 0), Arrays.toString(result.rates()));
        assertEquals(ModelBench.median(result.rates()), result.samplesPerSecond());
    }
}
