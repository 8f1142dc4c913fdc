// A spec that cannot be built or a model that cannot be restored quarantines that model only: its samples are dead-lettered, the rest runs on.
package io.neurostream.app.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.records.DeadLetterReason;
import io.neurostream.app.state.ModelStore;
import io.neurostream.schemas.DeadLetter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuarantineTest {
    static final String HUGE = """
            {"name": "huge", "input": {"shape": [784]},
             "layers": [{"type": "dense", "units": 200000000, "activation": "softmax"}],
             "loss": "cross_entropy", "optimizer": {"type": "sgd"}}
            """;
    static final String CONV_ON_VECTOR = """
            {"name": "huge", "input": {"shape": [2]},
             "layers": [{"type": "conv2d", "filters": 2, "kernel": 3}, {"type": "dense", "units": 2, "activation": "softmax"}],
             "loss": "cross_entropy", "optimizer": {"type": "sgd"}}
            """;
    static final String CORRECTED = """
            {"name": "huge", "input": {"shape": [2]},
             "layers": [{"type": "dense", "units": 2, "activation": "softmax"}],
             "loss": "cross_entropy", "optimizer": {"type": "sgd"}, "batch_size": 1}
            """;

    @TempDir
    Path stateDir;
    private TopologyHarness harness;

    @BeforeEach
    void start() {
        harness = new TopologyHarness(stateDir, Map.of());
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private double quarantined() {
        return harness.gauge("neurostream.model.quarantined", "model", "huge");
    }

    @Test
    void shouldRejectAHugeSpecAndDeadLetterItsSamplesWhileOtherModelsTrain() {
        harness.sendSpec("huge", HUGE);
        DeadLetter spec = harness.deadLetters().get(0);
        assertEquals(DeadLetterReason.INVALID_MODEL_SPEC.name(), spec.getReason());
        assertEquals("model spec huge: layers: 157,000,000,000 parameters, more than the limit of 10,000,000 (neurostream.model.max.parameters)",
                spec.getMessage());
        assertEquals("huge", spec.getModel());

        harness.send("huge", Samples.andRow("s1", 1, 1));
        harness.send("huge", Samples.andRow("s2", 1, 0));
        List<DeadLetter> samples = harness.deadLetters();
        assertEquals(2, samples.size());
        for (DeadLetter d : samples) {
            assertEquals(DeadLetterReason.MODEL_UNAVAILABLE.name(), d.getReason());
            assertEquals("huge", d.getModel());
            assertTrue(d.getMessage().contains("its spec at models offset 0 was rejected (model spec huge: layers: 157,000,000,000 parameters"),
                    d.getMessage());
            assertFalse(d.getMessage().contains("\n"));
        }
        assertEquals(1.0, quarantined());
        assertEquals(2.0, harness.counter("neurostream.samples.dead.lettered", "model", "huge", "reason", "MODEL_UNAVAILABLE"));

        for (int i = 0; i < 4; i++) {
            harness.send("logic-and", Samples.andRow("a" + i, i >> 1, i & 1));
        }
        assertEquals(4, harness.predictions().size(), "another model trains on");

        harness.sendSpec("huge", CORRECTED);
        harness.send("huge", Samples.andRow("s3", 1, 1));
        assertEquals(List.of(), harness.deadLetters());
        assertEquals(1, harness.predictions().size(), "the corrected spec ends the quarantine");
        assertEquals(0.0, quarantined());
    }

    @Test
    void shouldRejectASpecWhoseLayerDoesNotFitAndEndTheQuarantineWithATombstone() {
        harness.sendSpec("huge", CONV_ON_VECTOR);
        DeadLetter spec = harness.deadLetters().get(0);
        assertEquals(DeadLetterReason.INVALID_MODEL_SPEC.name(), spec.getReason());
        assertTrue(spec.getMessage().startsWith("model spec huge: layers[0]"), spec.getMessage());
        harness.send("huge", Samples.andRow("s1", 1, 1));
        assertEquals(DeadLetterReason.MODEL_UNAVAILABLE.name(), harness.deadLetters().get(0).getReason());

        harness.sendTombstone("huge");
        assertEquals(0.0, quarantined());
        harness.send("huge", Samples.andRow("s2", 1, 1));
        assertEquals(DeadLetterReason.UNKNOWN_MODEL.name(), harness.deadLetters().get(0).getReason(), "deleted: unknown again");
    }

    /** A spec stored before the limits (or under higher ones) cannot be restored: its samples and its tombstone no longer fail the task. */
    @Test
    void shouldQuarantineAStoredSpecThatCannotBeBuiltAndDeleteItByTombstone() {
        KeyValueStore<String, byte[]> store = ProcessorTask.newStore();
        ProcessorTask task = new ProcessorTask(store, 0, Map.of());
        new ModelStore(store).putSpec("huge", CONV_ON_VECTOR);
        task.send("huge", Samples.andRow("s1", 1, 1));
        DeadLetter d = task.deadLetters().get(0);
        assertEquals(DeadLetterReason.MODEL_UNAVAILABLE.name(), d.getReason());
        assertTrue(d.getMessage().startsWith("sample s1: model huge cannot be restored: layers[0]"), d.getMessage());
        assertTrue(d.getMessage().endsWith("write its spec again (neurostream models create) to start it afresh, or a tombstone to delete it"),
                d.getMessage());
        assertEquals(1.0, task.metrics.registry().get("neurostream.model.quarantined").tag("model", "huge").gauge().value());

        task.sendSpec("huge", null);
        task.send("huge", Samples.andRow("s2", 1, 1));
        assertEquals(DeadLetterReason.UNKNOWN_MODEL.name(), task.deadLetters().get(0).getReason());
        assertEquals(null, new ModelStore(store).spec("huge"));
    }

    @Test
    void shouldKeepAWorkingModelWhenABadSpecForItArrives() {
        harness.sendSpec("huge", CORRECTED);
        harness.send("huge", Samples.andRow("s1", 1, 1));
        assertEquals(1, harness.predictions().size());
        harness.sendSpec("huge", HUGE);
        assertEquals(DeadLetterReason.INVALID_MODEL_SPEC.name(), harness.deadLetters().get(0).getReason());
        harness.send("huge", Samples.andRow("s2", 1, 1));
        assertEquals(List.of(), harness.deadLetters());
        assertEquals(1, harness.predictions().size(), "the model of the last good spec goes on");
        assertEquals(0.0, quarantined());
    }
}
