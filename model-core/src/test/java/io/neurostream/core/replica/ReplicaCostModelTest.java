package io.neurostream.core.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.neurostream.core.data.Synthetic;
import io.neurostream.core.spec.Presets;
import org.junit.jupiter.api.Test;

class ReplicaCostModelTest {
    @Test
    void writesOneDeltaPerRoundOfEachReplicaAndReadsEveryDeltaOnEveryReplica() {
        // S = 1 MB, T = 3,200 samples/s, B = 32, k = 10: one delta per 320 samples, 10 per second per replica
        ReplicaCostModel.Model m = new ReplicaCostModel.Model("m", 1_000_000, 32, 3_200, 10);
        assertEquals(10e6, m.writeBytesPerSecondPerReplica(), 1e-6);
        assertEquals(40e6, m.writeBytesPerSecond(4), 1e-6);
        assertEquals(160e6, m.readBytesPerSecond(4), 1e-6);
    }

    @Test
    void theLargestReplicaCountIsBoundByWritesThenByReadsGrowingAsTheSquare() {
        ReplicaCostModel.Model m = new ReplicaCostModel.Model("m", 1_000_000, 32, 3_200, 10); // 10 MB/s written per replica
        assertEquals(5, m.maxReplicas(50e6, 1e12, 256), "writes: 5 x 10 MB/s");
        assertEquals(10, m.maxReplicas(1e12, 1_000e6, 256), "reads: 10 x 10 x 10 MB/s");
        assertEquals(5, m.maxReplicas(50e6, 1_000e6, 256));
        assertEquals(3, m.maxReplicas(50e6, 1_000e6, 3), "at most the limit");
        assertEquals(1, m.maxReplicas(1, 1, 256), "one replica does not sync");
    }

    @Test
    void agreesWithTheBytesTheSimulationCounts() {
        // the simulation's bytes per sample times the cluster's rate R·T is the cost model's write rate (up to the shards' partial rounds)
        var spec = Presets.load("circle");
        int replicas = 4;
        int syncEvery = 5;
        ReplicaSimulation.Result r = new ReplicaSimulation(spec, replicas, syncEvery).run(Synthetic.circle(6_400, 1), Synthetic.circle(100, 2));
        double rate = 1_000;
        ReplicaCostModel.Model m = ReplicaCostModel.of(spec, rate, syncEvery);
        assertEquals(r.contributionBytes(), m.modelBytes());
        double simulated = r.bytesWrittenPerSample() * replicas * rate;
        assertEquals(m.writeBytesPerSecond(replicas), simulated, 0.05 * simulated);
        assertEquals(m.readBytesPerSecond(replicas) / m.writeBytesPerSecond(replicas), (double) r.bytesRead() / r.bytesWritten(), 1e-12);
    }

    @Test
    void refusesFiguresThatAreNotPositive() {
        assertThrows(IllegalArgumentException.class, () -> new ReplicaCostModel.Model("m", 0, 32, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ReplicaCostModel.Model("m", 1, 32, Double.NaN, 1));
    }
}
