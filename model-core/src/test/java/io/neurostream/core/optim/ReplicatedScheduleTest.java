// A replicated model's learning-rate schedule follows the samples the whole model has seen: R steps per replica step.
package io.neurostream.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.neurostream.core.net.Network;
import io.neurostream.core.spec.ModelSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicatedScheduleTest {
    private static final List<LearningRate> SCHEDULES = List.of(
            new LearningRate(0.05, 0.0, 100, 0.0005), new LearningRate(0.1, 0.01), new LearningRate(0.01, 0.0));

    @Test
    void aStridedScheduleAtStepTIsTheScheduleAtRTimesT() {
        for (LearningRate rate : SCHEDULES) {
            for (int r : new int[] {1, 2, 4, 64}) {
                LearningRate strided = rate.strided(r);
                for (long t = 1; t <= 200; t++) {
                    assertEquals(rate.at(r * t), strided.at(t), 0.0, rate + " stride " + r + " step " + t);
                }
            }
            assertEquals(rate, rate.strided(1), "stride 1 is the schedule itself");
        }
        assertThrows(IllegalArgumentException.class, () -> SCHEDULES.get(0).strided(0));
    }

    @Test
    void aReplicaOfANetworkFollowsTheUnreplicatedSchedule() {
        for (String optimizer : List.of("{\"type\": \"adam\", \"learning_rate\": 0.005, \"anneal_steps\": 1875}",
                "{\"type\": \"sgd\", \"learning_rate\": 0.1, \"learning_rate_decay\": 0.001}")) {
            ModelSpec one = ModelSpec.parse("""
                    {"name": "m", "input": {"shape": [2]}, "layers": [{"type": "dense", "units": 2, "activation": "softmax"}],
                     "loss": "cross_entropy", "optimizer": %s}""".formatted(optimizer));
            Optimizer unreplicated = Network.create(one).optimizer();
            for (int r : new int[] {2, 4, 8}) {
                Optimizer replica = Network.create(one.with(Map.of("replicas", r))).optimizer();
                for (long t = 1; t <= 2000; t++) {
                    assertEquals(unreplicated.learningRate(r * t), replica.learningRate(t), 0.0, optimizer + " R " + r + " step " + t);
                }
                assertNotEquals(unreplicated.learningRate(2), replica.learningRate(2));
            }
        }
    }
}
