// `neurostream demo --replicas`: one-line errors before any broker starts, and the replicas' progress read as one model's.
package io.neurostream.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.neurostream.app.metrics.ModelProgress;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

    @Test
    void badReplicaCountsAreOneLineErrors() {
        CommandRun zero = CommandRun.of("demo", "--replicas", "0");
        CommandRun withModels = CommandRun.of("demo", "--replicas", "2", "--models", "mnist-mlp,lenet5");

        assertEquals(2, zero.exitCode());
        assertEquals("neurostream demo: --replicas must be between 1 and 256, got 0", zero.errLine());
        assertEquals(2, withModels.exitCode());
        assertEquals("neurostream demo: --replicas goes with --model, not --models (a replicated model reads its own stream)", withModels.errLine());
    }

    /** Counts and steps add up over the replicas; loss and accuracies are the mean of those with a value; dead letters count once. */
    @Test
    void replicasProgressAsOneModel() {
        ModelProgress one = new ModelProgress(640, 10, 3, 20, 0.5, 0.8, 0.9);
        ModelProgress two = new ModelProgress(320, 5, 3, 10, 0.3, 0.6, Double.NaN);

        ModelProgress both = DemoCommand.combined(List.of(one, two));

        assertEquals(960, both.trained());
        assertEquals(15, both.predicted());
        assertEquals(3, both.deadLettered());
        assertEquals(30, both.step());
        assertEquals(0.4, both.trainingLoss(), 1e-12);
        assertEquals(0.7, both.fadingAccuracy(), 1e-12);
        assertEquals(0.9, both.windowAccuracy(), 1e-12);
    }
}
