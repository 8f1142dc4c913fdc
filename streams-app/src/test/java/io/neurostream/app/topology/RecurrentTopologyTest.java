// A recurrent next-token model in the topology: samples of T+1 tokens train it, samples of T tokens are predicted.
package io.neurostream.app.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.schemas.Prediction;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecurrentTopologyTest {
    @TempDir
    Path stateDir;
    private TopologyHarness harness;

    @BeforeEach
    void start() {
        harness = new TopologyHarness(stateDir, Map.of(NeurostreamConfig.PREDICTION_MAX_DELAY.name(), "500"));
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void shouldTrainAnLstmOnItsSamplesNextTokens() {
        harness.sendSpec("chars", """
                {"name": "chars", "input": {"shape": [4], "vocabulary": 5},
                 "layers": [{"type": "embedding", "units": 3},
                            {"type": "lstm", "units": 6, "return_sequences": true},
                            {"type": "time_distributed", "activation": "softmax"}],
                 "loss": "cross_entropy", "optimizer": {"type": "adam"}, "batch_size": 2}
                """);
        harness.send("chars", Samples.bytes(Samples.values("a").setValues(null).setTokens(List.of(0, 1, 2, 3, 4))));
        harness.send("chars", Samples.bytes(Samples.values("b").setValues(null).setTokens(List.of(4, 3, 2, 1, 0))));
        assertEquals(0, harness.deadLetters().size(), () -> harness.deadLetters().toString());
        assertEquals(1, harness.metricsRecords().size(), "one step after a batch of 2");
        assertEquals(2.0, harness.counter("neurostream.samples.trained", "model", "chars"));
        List<Prediction> predictions = harness.predictions();
        assertEquals(2, predictions.size());
        assertTrue(predictions.stream().allMatch(p -> p.getLoss() != null && p.getLoss() > 0), predictions::toString);
    }
}
