// Which stream a loaded model's meters say it reads: the live page draws the models of one stream side by side from it.
package io.neurostream.app.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.records.ReplicaKeys;
import io.neurostream.app.serde.NeurostreamSerdes;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeterSourceTest {
    private static final Map<String, String> SETTINGS = Map.of(NeurostreamConfig.PREDICTION_MAX_DELAY.name(), "0");

    @TempDir
    Path stateDir;

    private static String spec(String name, String source) {
        return """
                {"name": "%s", "input": {"shape": [2]}, "layers": [{"type": "dense", "units": 1, "activation": "sigmoid"}],
                 "loss": "half_squared_error", "optimizer": {"type": "sgd", "learning_rate": 0.5}, "batch_size": 4, "seed": 3%s}
                """.formatted(name, source == null ? "" : ", \"source\": \"" + source + "\"");
    }

    @Test
    void theModelsOfAStreamNameItAndAModelAloneNamesItsOwn() {
        try (TopologyHarness harness = new TopologyHarness(stateDir, SETTINGS)) {
            harness.sendSpec("and", spec("and", null));
            harness.sendSpec("and-challenger", spec("and-challenger", "and"));
            harness.sendSpec("or", spec("or", null));
            harness.send("and", Samples.andRow("s0", 1, 1));
            harness.send("or", Samples.andRow("s1", 0, 1));

            assertEquals("and", harness.metrics.model("and").source());
            assertEquals("and", harness.metrics.model("and-challenger").source());
            assertEquals("or", harness.metrics.model("or").source());
        }
    }

    /** Replicas read different shards of their model's stream, not the same samples: each is shown alone. */
    @Test
    void eachReplicaIsItsOwnStream() {
        MemorySyncLogs logs = new MemorySyncLogs();
        try (TopologyHarness harness = new TopologyHarness(stateDir, SETTINGS, logs, Instant.ofEpochMilli(1_700_000_000_000L))) {
            logs.from(harness.sync);
            for (int s = 0; s < 2; s++) {
                harness.sendSpec(ReplicaKeys.key(ReplicasTest.MODEL, s), ReplicasTest.spec(2));
            }
            for (int s = 0; s < 2; s++) {
                int shard = s;
                String id = IntStream.range(0, 100).mapToObj(i -> "r" + i).filter(i -> ReplicaKeys.shardOf(i, 2) == shard).findFirst().orElseThrow();
                String replica = ReplicaKeys.key(ReplicasTest.MODEL, s);
                harness.send(replica, NeurostreamSerdes.sample().encode(Samples.values(id, 0.5f, -0.5f).setLabel(1).build()));
                assertEquals(replica, harness.metrics.model(replica).source());
            }
            assertEquals(List.of(), harness.deadLetters().stream().map(d -> d.getReason() + " " + d.getMessage()).toList(), "both replicas took their sample");
        }
    }
}
