// The topology end to end without a broker: prequential predictions, batches, flushes, model specs, metrics.
package io.neurostream.app.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.records.DeadLetterReason;
import io.neurostream.core.spec.Presets;
import io.neurostream.schemas.DeadLetter;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.TrainingMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingTopologyTest {
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
    void shouldPredictEachLabelledSampleWithTheModelBeforeItsBatchThenTrain() {
        for (int i = 0; i < 4; i++) {
            harness.send("logic-and", Samples.andRow("s" + i, i >> 1, i & 1));
        }
        List<Prediction> first = harness.predictions();
        assertEquals(4, first.size(), "one prediction per sample when the batch of 4 fills");
        assertTrue(first.stream().allMatch(p -> p.getModelStep() == 0), "predicted by the untrained model");
        assertEquals(List.of(0, 0, 0, 1), first.stream().map(Prediction::getLabel).toList());
        assertTrue(first.stream().allMatch(p -> p.getLoss() != null && p.getLoss() >= 0));
        List<TrainingMetrics> metrics = harness.metricsRecords();
        assertEquals(1, metrics.size());
        assertEquals(1, metrics.get(0).getStep());
        assertEquals(4, metrics.get(0).getSamplesTrained());

        for (int i = 0; i < 4; i++) {
            harness.send("logic-and", Samples.andRow("t" + i, i >> 1, i & 1));
        }
        assertTrue(harness.predictions().stream().allMatch(p -> p.getModelStep() == 1), "the second batch is predicted after one step");
        assertEquals(8.0, harness.counter("neurostream.samples.trained", "model", "logic-and"));
    }

    @Test
    void shouldPredictUnlabelledSamplesAtOnceAndNotTrainOnThem() {
        harness.send("logic-and", Samples.bytes(Samples.values("u1", 1, 1)));
        List<Prediction> predictions = harness.predictions();
        assertEquals(1, predictions.size());
        assertNull(predictions.get(0).getLabel());
        assertNull(predictions.get(0).getLoss());
        assertEquals(2, predictions.get(0).getTopK().size(), "a single sigmoid output is a two-class model");
        assertEquals(1, predictions.get(0).getOutputs().size());
        assertTrue(harness.metricsRecords().isEmpty());
        assertEquals(1.0, harness.counter("neurostream.samples.predicted", "model", "logic-and"));
    }

    @Test
    void shouldEmitAWaitingPredictionAfterTheMaxDelayAndOnlyOnce() {
        harness.send("logic-and", Samples.andRow("slow", 1, 1));
        assertTrue(harness.predictions().isEmpty(), "waits for its batch");
        harness.advanceWallClock(Duration.ofMillis(600));
        List<Prediction> flushed = harness.predictions();
        assertEquals(1, flushed.size());
        assertEquals("slow", flushed.get(0).getSampleId());
        for (int i = 0; i < 3; i++) {
            harness.send("logic-and", Samples.andRow("rest" + i, 0, i & 1));
        }
        assertEquals(List.of("rest0", "rest1", "rest2"), harness.predictions().stream().map(Prediction::getSampleId).toList());
        assertEquals(1, harness.metricsRecords().size(), "the batch of 4 still trains");
    }

    @Test
    void shouldCreateAModelFromTheModelsTopicAndDeadLetterAnInvalidSpec() {
        String spec = Presets.json("logic-or").replace("\"logic-or\"", "\"my-or\"").replace("\"batch_size\": 4", "\"batch_size\": 2");
        harness.sendSpec("my-or", spec);
        harness.send("my-or", Samples.bytes(Samples.values("a", 0, 1).setLabel(1)));
        harness.send("my-or", Samples.bytes(Samples.values("b", 0, 0).setLabel(0)));
        assertEquals(2, harness.predictions().size());
        assertEquals(2, harness.metricsRecords().get(0).getSamplesTrained());

        harness.sendSpec("broken", "{\"name\": \"broken\", \"input\": {\"shape\": [2]}, \"layers\": [{\"type\": \"dense\", \"units\": 0}],"
                + " \"loss\": \"cross_entropy\", \"optimizer\": {\"type\": \"sgd\"}}");
        List<DeadLetter> dead = harness.deadLetters();
        assertEquals(1, dead.size());
        assertEquals(DeadLetterReason.INVALID_MODEL_SPEC.name(), dead.get(0).getReason());
        assertTrue(dead.get(0).getMessage().contains("layers[0].units: must be >= 1, got 0"), dead.get(0).getMessage());
    }

    @Test
    void shouldRestartAModelWhenItsSpecChangesAfterTrainingItsPendingSamples() {
        String spec = Presets.json("logic-or").replace("\"logic-or\"", "\"m\"");
        harness.sendSpec("m", spec);
        harness.send("m", Samples.bytes(Samples.values("a", 0, 1).setLabel(1)));
        harness.sendSpec("m", spec.replace("\"learning_rate\": 2.0", "\"learning_rate\": 1.0"));
        assertEquals(1, harness.predictions().size(), "the pending sample is predicted and trained by the old model");
        assertEquals(1, harness.metricsRecords().get(0).getSamplesTrained());
        for (int i = 0; i < 4; i++) {
            harness.send("m", Samples.bytes(Samples.values("b" + i, 0, 1).setLabel(1)));
        }
        assertTrue(harness.predictions().stream().allMatch(p -> p.getModelStep() == 0), "the new model starts from its spec");
        assertEquals(4, harness.metricsRecords().get(0).getSamplesTrained());
    }
}
