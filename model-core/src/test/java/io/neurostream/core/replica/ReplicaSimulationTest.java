package io.neurostream.core.replica;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.data.Dataset;
import io.neurostream.core.data.Synthetic;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import io.neurostream.core.tensor.Buffers;
import io.neurostream.core.train.DatasetBatches;
import io.neurostream.core.train.Evaluator;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class ReplicaSimulationTest {
    /** circle with a batch-norm layer: the ND4J engine, and state that is averaged with the weights. */
    private static final ModelSpec BN_CIRCLE = ModelSpec.parse("""
            {"name": "bn-circle", "input": {"shape": [2]}, "seed": 5,
             "layers": [{"type": "dense", "units": 16, "activation": "tanh"}, {"type": "batch_norm"},
                        {"type": "dense", "units": 2, "activation": "softmax"}],
             "loss": "cross_entropy", "optimizer": {"type": "adam", "learning_rate": 0.01}, "batch_size": 8}
            """);

    private static final Dataset TRAIN = Synthetic.circle(1_000, 11);
    private static final Dataset TEST = Synthetic.circle(400, 12);
    private static final Dataset SMALL = TRAIN.limit(400);

    @Test
    void oneReplicaIsPlainSequentialTraining() {
        for (ModelSpec spec : List.of(Presets.load("circle"), BN_CIRCLE)) {
            ReplicaSimulation.Result r = new ReplicaSimulation(spec, 1, 3).run(TRAIN, TEST);
            Network plain = Network.create(spec);
            DatasetBatches batches = new DatasetBatches(TRAIN, plain);
            int[] order = new int[TRAIN.size()];
            Arrays.setAll(order, i -> i);
            Buffers buffers = new Buffers(plain.dataType());
            int b = spec.batchSize();
            for (int from = 0; from < order.length; from += b) {
                int n = Math.min(b, order.length - from);
                INDArray x = buffers.get("x", plain.inputShape().withBatch(n));
                INDArray y = buffers.get("y", plain.outputShape().withBatch(n));
                batches.fill(order, from, x, y, new int[b]);
                plain.trainStep(x, y);
            }
            assertArrayEquals(ParameterVector.capture(plain), r.merged(), spec.name());
            assertEquals(Evaluator.evaluate(plain, new DatasetBatches(TEST, plain), 256), r.test());
            assertEquals(0, r.rounds());
            assertEquals(0, r.bytesWritten(), "an unreplicated model does not sync");
            assertEquals(TRAIN.size(), r.samples());
        }
    }

    @Test
    void mergingOneReplicasOwnFloatDeltaIsNotAlwaysItsWeights() {
        // why R = 1 does not merge: a weight that falls from 0.5 to 1e-9 in a round has a delta that rounds, in float32, to -0.5
        // (the extreme case; any difference that needs more than 24 significant bits rounds: ~2% of a trained MNIST model's values)
        double base = 0.5f;
        double current = 1e-9f;
        double[] delta = ParameterVector.delta(new double[] {current}, new double[] {base}, DataType.FLOAT);
        double[] merged = FederatedAverage.merge(new double[] {base}, List.of(new FederatedAverage.Contribution(0, 32, delta)), DataType.FLOAT);
        assertNotEquals(current, merged[0]);
        assertEquals(0.0, merged[0]);
    }

    @Test
    void theOrderTheReplicasAreSteppedInChangesNoBit() {
        for (int[] grid : new int[][] {{2, 1}, {3, 2}}) {
            int replicas = grid[0];
            int syncEvery = grid[1];
            ReplicaSimulation.Result a = new ReplicaSimulation(BN_CIRCLE, replicas, syncEvery, 0,
                    ReplicaSimulation.Schedule.REPLICA_BY_REPLICA).run(SMALL, TEST);
            ReplicaSimulation.Result b = new ReplicaSimulation(BN_CIRCLE, replicas, syncEvery, 0,
                    ReplicaSimulation.Schedule.INTERLEAVED_REVERSED).run(SMALL, TEST);
            assertArrayEquals(a.merged(), b.merged(), "R " + replicas + ", sync_every " + syncEvery);
            assertEquals(a.test(), b.test());
        }
    }

    @Test
    void aRoundIsTheFederatedAverageOfTheReplicasTrainedByHand() {
        // two replicas, one mini-batch each, one round (every shard fits in one batch): the merge of their deltas, weighted by samples
        ModelSpec spec = BN_CIRCLE.with(Map.of("batch_size", 64));
        Dataset small = TRAIN.limit(100);
        int[][] shards = ReplicaSimulation.shards(small.size(), 2);
        assertTrue(shards[0].length <= 64 && shards[1].length <= 64, Arrays.toString(new int[] {shards[0].length, shards[1].length}));
        double[] base = ParameterVector.capture(Network.create(spec));
        List<FederatedAverage.Contribution> contributions = new java.util.ArrayList<>();
        for (int s = 0; s < 2; s++) {
            Network net = Network.create(spec);
            Dataset shard = small.subset(shards[s]);
            int n = shard.size();
            int[] order = new int[n];
            Arrays.setAll(order, i -> i);
            Buffers buffers = new Buffers(net.dataType());
            INDArray x = buffers.get("x", net.inputShape().withBatch(n));
            INDArray y = buffers.get("y", net.outputShape().withBatch(n));
            new DatasetBatches(shard, net).fill(order, 0, x, y, new int[n]);
            net.trainStep(x, y);
            contributions.add(new FederatedAverage.Contribution(s, n, ParameterVector.delta(ParameterVector.capture(net), base, DataType.FLOAT)));
        }
        ReplicaSimulation.Result r = new ReplicaSimulation(spec, 2, 1).run(small, TEST);
        assertEquals(1, r.rounds());
        assertArrayEquals(FederatedAverage.merge(base, contributions, DataType.FLOAT), r.merged());
    }

    @Test
    void withOverlappedRoundsAReplicaTakesThePreviousMergePlusItsOwnChange() {
        // two replicas, two rounds of one mini-batch each: after round 0 replica s holds merged(−1) + Δ_s(0) (its own weights, up to
        // rounding), after round 1 merged(0) + Δ_s(1); merged(1) = merge(merged(0), Δ(1)), each Δ from the replica's own base
        ModelSpec spec = BN_CIRCLE.with(Map.of("batch_size", 64, "sync_overlap", true));
        Dataset small = TRAIN.limit(200);
        int[][] shards = ReplicaSimulation.shards(small.size(), 2);
        assertTrue(shards[0].length > 64 && shards[0].length <= 128 && shards[1].length > 64 && shards[1].length <= 128);
        double[] merged = ParameterVector.capture(Network.create(spec));
        Network[] nets = {Network.create(spec), Network.create(spec)};
        double[][] bases = {merged, merged};
        for (int round = 0; round < 2; round++) {
            List<FederatedAverage.Contribution> contributions = new java.util.ArrayList<>();
            for (int s = 0; s < 2; s++) {
                Dataset shard = small.subset(shards[s]);
                int from = round * 64;
                int n = Math.min(64, shard.size() - from);
                int[] order = new int[shard.size()];
                Arrays.setAll(order, i -> i);
                Buffers buffers = new Buffers(nets[s].dataType());
                INDArray x = buffers.get("x", nets[s].inputShape().withBatch(n));
                INDArray y = buffers.get("y", nets[s].outputShape().withBatch(n));
                new DatasetBatches(shard, nets[s]).fill(order, from, x, y, new int[64]);
                nets[s].trainStep(x, y);
                contributions.add(new FederatedAverage.Contribution(s, n,
                        ParameterVector.delta(ParameterVector.capture(nets[s]), bases[s], DataType.FLOAT)));
            }
            double[] previous = merged;
            merged = FederatedAverage.merge(previous, contributions, DataType.FLOAT);
            for (int s = 0; s < 2; s++) {
                bases[s] = ParameterVector.plus(previous, contributions.get(s).delta(), DataType.FLOAT);
                ParameterVector.assign(nets[s], bases[s]);
            }
        }
        ReplicaSimulation.Result overlapped = new ReplicaSimulation(spec, 2, 1).run(small, TEST);
        assertEquals(2, overlapped.rounds());
        assertArrayEquals(merged, overlapped.merged());
        ReplicaSimulation.Result barrier = new ReplicaSimulation(spec.with(Map.of("sync_overlap", false)), 2, 1).run(small, TEST);
        assertTrue(!Arrays.equals(barrier.merged(), overlapped.merged()), "round 1 trains from another model than with a barrier");
    }

    @Test
    void manyReplicasWithTheSameSamplesStillLearn() {
        ModelSpec spec = Presets.load("circle");
        Dataset train = Synthetic.linear(4_000, 13);
        Dataset test = Synthetic.linear(1_000, 14);
        Network untrained = Network.create(spec);
        Evaluator.Score before = Evaluator.evaluate(untrained, new DatasetBatches(test, untrained), 256);
        ReplicaSimulation.Result r = new ReplicaSimulation(spec, 8, 2, 2, ReplicaSimulation.Schedule.REPLICA_BY_REPLICA).run(train, test);
        assertTrue(r.test().accuracy() > 0.95, () -> "accuracy " + r.test().accuracy());
        assertTrue(r.test().loss() < 0.3 * before.loss(), () -> "loss " + before.loss() + " -> " + r.test().loss());
        double previous = before.loss();
        for (ReplicaSimulation.Checkpoint c : r.checkpoints()) {
            assertTrue(c.test().loss() < previous, () -> "the merged model's loss falls round after round: " + r.checkpoints());
            previous = c.test().loss();
        }
        assertEquals((r.rounds() - 1) / 2, r.checkpoints().size(), () -> r.rounds() + " rounds"); // every 2 rounds but the last
    }

    @Test
    void isDeterministic() {
        ReplicaSimulation.Result a = new ReplicaSimulation(BN_CIRCLE, 4, 3).run(SMALL, TEST);
        ReplicaSimulation.Result b = new ReplicaSimulation(BN_CIRCLE, 4, 3).run(SMALL, TEST);
        assertArrayEquals(a.merged(), b.merged());
        assertEquals(a.test(), b.test());
    }

    @Test
    void countsTheBytesEveryContributionWrites() {
        int replicas = 4;
        int syncEvery = 3;
        ReplicaSimulation.Result r = new ReplicaSimulation(BN_CIRCLE, replicas, syncEvery).run(TRAIN, TEST);
        int batch = BN_CIRCLE.batchSize();
        long values = ParameterVector.length(Network.create(BN_CIRCLE));
        long contributions = 0;
        long maxRounds = 0;
        long samples = 0;
        for (long n : r.shardSamples()) {
            long rounds = ceil(ceil(n, batch), syncEvery);
            contributions += rounds;
            maxRounds = Math.max(maxRounds, rounds);
            samples += n;
        }
        assertEquals(TRAIN.size(), samples);
        assertEquals(maxRounds, r.rounds());
        assertEquals(values * 4, r.contributionBytes());
        assertEquals(contributions * values * 4, r.bytesWritten());
        assertEquals(replicas * r.bytesWritten(), r.bytesRead());
        // per sample: about one delta per syncEvery * batch samples (shards end in partial rounds, so a little more)
        double ideal = values * 4.0 / (syncEvery * batch);
        assertTrue(r.bytesWrittenPerSample() >= ideal && r.bytesWrittenPerSample() < 1.15 * ideal, r.bytesWrittenPerSample() + " vs " + ideal);
    }

    @Test
    void shardsSplitTheIndicesEvenlyInOrder() {
        int[][] shards = ReplicaSimulation.shards(10_000, 8);
        int total = 0;
        for (int s = 0; s < 8; s++) {
            total += shards[s].length;
            assertTrue(Math.abs(shards[s].length - 1_250) < 150, "shard " + s + ": " + shards[s].length);
            for (int i = 0; i < shards[s].length; i++) {
                assertEquals(s, ReplicaSimulation.shardOf(shards[s][i], 8));
                assertTrue(i == 0 || shards[s][i] > shards[s][i - 1]);
            }
        }
        assertEquals(10_000, total);
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }
}
