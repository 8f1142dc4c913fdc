// `neurostream bench replicas` on a tiny grid: the tables' shape, byte figures that follow the formulas, one-line errors.
package io.neurostream.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurostream.core.net.Network;
import io.neurostream.core.replica.ParameterVector;
import io.neurostream.core.spec.Presets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchReplicasCommandTest {
    @Test
    void printsTheSimulationAndTheCostModelWithConsistentFigures() throws Exception {
        CommandRun run = CommandRun.of("bench", "replicas", "--model", "mnist-mlp", "--replicas", "1,2,3", "--sync-every", "1,4",
                "--samples", "300", "--test", "100", "--rate", "32000", "--broker-mb-s", "100", "--broker-read-mb-s", "2000", "--json");

        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.get(0).startsWith("mnist-mlp batch 32: 300 MNIST training samples"), lines.get(0));
        // R = 1 once (no sync), R = 2 and 3 for each sync_every
        assertTrue(lines.get(2).matches(" +1 +- +[0-9.]+% +0 +0 +0 +[0-9.]+"), lines.get(2));
        assertTrue(lines.get(3).matches(" +2 +1 .*"), lines.get(3));
        assertTrue(lines.get(6).matches(" +3 +4 .*"), lines.get(6));
        long values = ParameterVector.length(Network.create(Presets.load("mnist-mlp"))); // 101,770 weights (+ the empty state's one slot)
        assertTrue(lines.get(7).startsWith(String.format("cost model: mnist-mlp, %,d bytes per contribution, batch 32, one replica trains "
                + "32,000 samples/s (given)", values * 4)), lines.get(7));

        JsonNode report = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        JsonNode sim = report.get("simulation");
        assertEquals(5, sim.size());
        for (JsonNode row : sim) {
            int r = row.get("replicas").asInt();
            assertEquals(300, row.get("samples").asLong());
            assertEquals(values * 4, row.get("contribution_bytes").asLong());
            assertEquals(r * row.get("bytes_written").asLong(), row.get("bytes_read").asLong());
            assertEquals(row.get("bytes_written").asDouble() / 300, row.get("bytes_written_per_sample").asDouble(), 1e-9);
            double accuracy = row.get("test_accuracy").asDouble();
            assertTrue(accuracy >= 0 && accuracy <= 1, row.toString());
            if (r > 1) {
                // every replica trained samples in every round but maybe the last: rounds ≤ contributions / R ≤ rounds
                long contributions = row.get("bytes_written").asLong() / (values * 4);
                int rounds = row.get("rounds").asInt();
                assertTrue(contributions <= (long) r * rounds && contributions > (long) (r - 1) * rounds, row.toString());
                int k = row.get("sync_every").asInt();
                assertEquals((300 / r + 31) / 32, rounds * k, k, "about one round per k batches of a shard: " + row);
            }
        }
        JsonNode cost = report.get("cost");
        assertEquals("given", cost.get("rate").asText());
        assertEquals(4, cost.get("rows").size(), "R = 2, 3 for each sync_every");
        for (JsonNode row : cost.get("rows")) {
            int r = row.get("replicas").asInt();
            int k = row.get("sync_every").asInt();
            double write = r * values * 4.0 * 32_000 / (k * 32);
            assertEquals(write, row.get("write_bytes_per_second").asDouble(), 1e-6 * write);
            assertEquals(r * write, row.get("read_bytes_per_second").asDouble(), 1e-6 * r * write);
            assertEquals(write <= 100e6 && r * write <= 2_000e6, row.get("within_budget").asBoolean(), row.toString());
        }
        // 407,080 B x 1,000 rounds/s = 407 MB/s for one replica at k = 1: over the write budget at R = 2; at k = 4, 102 MB/s each
        assertEquals(1, cost.get("max_replicas").get("1").asInt());
        assertEquals(1, cost.get("max_replicas").get("4").asInt());
    }

    @Test
    void badGridsAreOneLineErrors() {
        CommandRun zero = CommandRun.of("bench", "replicas", "--replicas", "0,2");
        CommandRun k = CommandRun.of("bench", "replicas", "--sync-every", "0");
        CommandRun lstm = CommandRun.of("bench", "replicas", "--model", "char-lstm", "--samples", "10", "--test", "10");

        assertEquals(2, zero.exitCode());
        assertEquals("neurostream bench replicas: --replicas 0: a model has 1 to 256 replicas", zero.errLine());
        assertEquals(2, k.exitCode());
        assertEquals("neurostream bench replicas: --sync-every must be >= 1, got 0", k.errLine());
        assertEquals(2, lstm.exitCode());
        assertFalse(lstm.err().strip().contains("\n"), lstm.err());
    }
}
