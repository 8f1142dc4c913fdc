// R replicas of one model trained in one process on R shards of a dataset, merged by federated averaging: the stream's rounds without Kafka.
package io.neurostream.core.replica;

import io.neurostream.core.data.Dataset;
import io.neurostream.core.data.SplitMix64;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.tensor.Buffers;
import io.neurostream.core.train.DatasetBatches;
import io.neurostream.core.train.Evaluator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a model with {@code "replicas": R} learns from a dataset streamed once, computed in one process with every replica alive,
 * by the rules the stream follows (README "One model on many partitions"):
 * <ul>
 *   <li>R networks from one spec with {@code "replicas": R} (the constructor's R), so the same seed gives them the same initial
 *       weights (merged(−1)) and their learning-rate schedules advance R updates per local update, as the stream's do;</li>
 *   <li>sample {@code i} of the dataset goes to shard {@link #shardOf shardOf(i, R)} ({@code SplitMix64.mix64(i)} as an unsigned
 *       number mod R, a stand-in for the murmur2 hash of a sample id that producers use: any hash that spreads indices evenly
 *       gives shards of the same statistics); each replica trains its shard's samples in the dataset's order, in mini-batches of the
 *       spec's batch size (a shard's last batch may be smaller);</li>
 *   <li>round r ends when every replica has trained {@code syncEvery} mini-batches since its base, or its shard ran out: each replica
 *       that trained samples contributes {@code ParameterVector.delta(current, base)} (rounded to the wire type) with its sample count,
 *       merged(r) = {@link FederatedAverage#merge FederatedAverage.merge}(merged(r−1), contributions, η_s) with the spec's
 *       {@code sync_learning_rate} η_s, and every replica assigns
 *       merged(r) (its optimizer state stays its own; batch-norm statistics are part of the vector); with the spec's
 *       {@code "sync_overlap": true} each replica's delta is from its own base, and a replica that trained in round r assigns
 *       {@link ParameterVector#plus merged(r−1) + its delta} instead (and makes that its base), as the stream's replicas do when
 *       they take the merge one round late. The last, partial round merges
 *       too, so the result is the merged model after the whole dataset.</li>
 * </ul>
 * With R = 1 nothing is merged (an unreplicated model has no sync): the result is plain sequential training, bit for bit. A merge
 * of one replica's own float32 delta is not always its own weights: {@code base + (float) (current − base)} rounds wherever the
 * exact difference needs more than 24 significant bits (a weight that changes sign, or falls far below its base), which was
 * about 2% of mnist-mlp's and lenet5's values, by one last bit, after rounds of 10 mini-batches on MNIST; so a simulated R = 1
 * that merged would not be the stream's R = 1.
 *
 * <p>Bytes synced: each round every contributing replica writes its delta, {@code values × 4} bytes for float32 ({@code × 8} for
 * float64; the chunks' headers, a few dozen bytes each, are not counted), and each of the R replicas reads every contribution of
 * the round (its own included, as it reads the whole sync partition): read = R × written. Per sample written is about
 * {@code size / (syncEvery · batch)}: R deltas per round of R · syncEvery · batch samples.
 *
 * <p>Everything is computed in one thread in a fixed order, so a run is deterministic; the replicas share nothing, so the order they
 * are stepped in within a round does not change any bit ({@link Schedule}).
 */
public final class ReplicaSimulation {
    /** The order the replicas' mini-batches of a round are computed in; it changes no result (the replicas share nothing). */
    public enum Schedule {
        /** Replica 0's mini-batches of the round, then replica 1's, ... */
        REPLICA_BY_REPLICA,
        /** Mini-batch j of every replica (replica R−1 first), then mini-batch j+1 ... */
        INTERLEAVED_REVERSED
    }

    /** The merged model's test score after round {@code round} ({@code samples} trained so far over all replicas). */
    public record Checkpoint(int round, long samples, Evaluator.Score test) {}

    /**
     * @param replicas        R
     * @param syncEvery       mini-batches per replica per round
     * @param batch           the spec's batch size
     * @param samples         training samples, all shards
     * @param shardSamples    samples of each shard
     * @param rounds          rounds merged (0 for R = 1)
     * @param values          parameter values of the model (weights and batch-norm state)
     * @param bytesPerValue   4 for float32, 8 for float64
     * @param bytesWritten    deltas written to the sync topic, all replicas and rounds
     * @param bytesRead       deltas read by all replicas: R × bytesWritten
     * @param merged          the final merged parameters ({@link ParameterVector} layout)
     * @param test            the merged model's score on the test set
     * @param checkpoints     scores every {@code evaluateEvery} rounds (empty if not asked), the final one not repeated
     * @param seconds         wall time of training and merging (not the final evaluation)
     */
    public record Result(String model, int replicas, int syncEvery, int batch, long samples, long[] shardSamples, int rounds,
                         long values, int bytesPerValue, long bytesWritten, long bytesRead, double[] merged, Evaluator.Score test,
                         List<Checkpoint> checkpoints, double seconds) {
        /** Sync bytes written per training sample: about values × bytesPerValue / (syncEvery × batch). */
        public double bytesWrittenPerSample() {
            return samples == 0 ? 0 : (double) bytesWritten / samples;
        }

        /** Bytes one contribution (one replica's delta) takes on the sync topic. */
        public long contributionBytes() {
            return values * bytesPerValue;
        }
    }

    private final ModelSpec spec;
    private final int replicas;
    private final int syncEvery;
    private final int evaluateEvery;
    private final Schedule schedule;

    /**
     * @param evaluateEvery also score the merged model on the test set after every this many rounds (0: only at the end)
     */
    public ReplicaSimulation(ModelSpec spec, int replicas, int syncEvery, int evaluateEvery, Schedule schedule) {
        if (replicas < 1 || replicas > ModelSpec.Replication.MAX_REPLICAS) {
            throw new IllegalArgumentException("replicas must be in 1.." + ModelSpec.Replication.MAX_REPLICAS + ", got " + replicas);
        }
        if (syncEvery < 1 || evaluateEvery < 0) {
            throw new IllegalArgumentException("sync_every must be >= 1 and evaluate-every >= 0, got " + syncEvery + " and " + evaluateEvery);
        }
        this.spec = spec;
        this.replicas = replicas;
        this.syncEvery = syncEvery;
        this.evaluateEvery = evaluateEvery;
        this.schedule = schedule;
    }

    /** R replicas of {@code spec} that merge every {@code syncEvery} mini-batches, scored at the end only. */
    public ReplicaSimulation(ModelSpec spec, int replicas, int syncEvery) {
        this(spec, replicas, syncEvery, 0, Schedule.REPLICA_BY_REPLICA);
    }

    /** The shard of sample {@code index} among {@code replicas}: SplitMix64's finalizer of the index, unsigned, mod R. */
    public static int shardOf(long index, int replicas) {
        return (int) Long.remainderUnsigned(SplitMix64.mix64(index), replicas);
    }

    /** The indices of each shard's samples, in the dataset's order. */
    public static int[][] shards(int size, int replicas) {
        int[] counts = new int[replicas];
        int[] shardOf = new int[size];
        for (int i = 0; i < size; i++) {
            shardOf[i] = shardOf(i, replicas);
            counts[shardOf[i]]++;
        }
        int[][] shards = new int[replicas][];
        for (int s = 0; s < replicas; s++) {
            shards[s] = new int[counts[s]];
        }
        int[] filled = new int[replicas];
        for (int i = 0; i < size; i++) {
            shards[shardOf[i]][filled[shardOf[i]]++] = i;
        }
        return shards;
    }

    /** Trains on {@code train} once, as described above, and scores the merged model on {@code test}. */
    public Result run(Dataset train, Dataset test) {
        int[][] shards = shards(train.size(), replicas);
        List<Replica> nets = new ArrayList<>(replicas);
        long[] shardSamples = new long[replicas];
        // the networks are the spec's with "replicas": R, so that their learning-rate schedules follow the model (Network.create)
        ModelSpec replicated = replicas == spec.replication().replicas() ? spec
                : spec.with(Map.of("replicas", replicas, "sync_every", syncEvery));
        double serverRate = spec.replication().syncLearningRate();
        for (int s = 0; s < replicas; s++) {
            nets.add(new Replica(Network.create(replicated), train.subset(shards[s])));
            shardSamples[s] = shards[s].length;
        }
        Network first = nets.get(0).net;
        DataType dataType = first.dataType();
        int bytesPerValue = dataType == DataType.DOUBLE ? 8 : 4;
        long values = ParameterVector.length(first);
        double[] merged = ParameterVector.capture(first);
        double[][] bases = new double[replicas][];
        Arrays.fill(bases, merged);
        boolean overlap = replicated.replication().syncOverlap();
        // the merged model is scored on a network of its own: with overlapped rounds no replica holds it
        Network scored = replicas == 1 ? first : Network.create(replicated);
        DatasetBatches testBatches = new DatasetBatches(test, first);
        int batch = spec.batchSize();
        List<Checkpoint> checkpoints = new ArrayList<>();
        long start = System.nanoTime();
        long written = 0;
        long trained = 0;
        int rounds = 0;
        while (nets.stream().anyMatch(Replica::hasMore)) {
            long[] roundSamples = new long[replicas];
            if (schedule == Schedule.REPLICA_BY_REPLICA) {
                for (int s = 0; s < replicas; s++) {
                    for (int j = 0; j < syncEvery && nets.get(s).hasMore(); j++) {
                        roundSamples[s] += nets.get(s).trainBatch(batch);
                    }
                }
            } else {
                for (int j = 0; j < syncEvery; j++) {
                    for (int s = replicas - 1; s >= 0; s--) {
                        if (nets.get(s).hasMore()) {
                            roundSamples[s] += nets.get(s).trainBatch(batch);
                        }
                    }
                }
            }
            for (long n : roundSamples) {
                trained += n;
            }
            if (replicas == 1) {
                continue; // an unreplicated model does not sync
            }
            List<FederatedAverage.Contribution> contributions = new ArrayList<>();
            for (int s = 0; s < replicas; s++) {
                if (roundSamples[s] > 0) {
                    contributions.add(new FederatedAverage.Contribution(s, roundSamples[s],
                            ParameterVector.delta(ParameterVector.capture(nets.get(s).net), bases[s], dataType)));
                }
            }
            written += contributions.size() * values * bytesPerValue;
            double[] previous = merged;
            merged = FederatedAverage.merge(previous, contributions, dataType, serverRate);
            if (overlap) {
                for (FederatedAverage.Contribution c : contributions) {
                    bases[c.shard()] = ParameterVector.plus(previous, c.delta(), dataType);
                    ParameterVector.assign(nets.get(c.shard()).net, bases[c.shard()]);
                }
            } else {
                Arrays.fill(bases, merged);
                for (Replica r : nets) {
                    ParameterVector.assign(r.net, merged);
                }
            }
            rounds++;
            if (evaluateEvery > 0 && rounds % evaluateEvery == 0 && nets.stream().anyMatch(Replica::hasMore)) {
                ParameterVector.assign(scored, merged);
                checkpoints.add(new Checkpoint(rounds, trained, Evaluator.evaluate(scored, testBatches, 256)));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (replicas == 1) {
            merged = ParameterVector.capture(first);
        } else {
            ParameterVector.assign(scored, merged);
        }
        Evaluator.Score score = Evaluator.evaluate(scored, testBatches, 256);
        return new Result(spec.name(), replicas, syncEvery, batch, trained, shardSamples, rounds, values, bytesPerValue, written,
                written * replicas, merged, score, List.copyOf(checkpoints), seconds);
    }

    /** One replica: its network, its shard and how far it has trained through it. */
    private static final class Replica {
        final Network net;
        final DatasetBatches shard;
        final int size;
        final int[] order;
        final Buffers buffers;
        final int[] labels;
        int next;

        Replica(Network net, Dataset shard) {
            this.net = net;
            this.shard = new DatasetBatches(shard, net);
            this.size = shard.size();
            this.order = new int[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            this.buffers = new Buffers(net.dataType());
            this.labels = new int[net.spec().batchSize()];
        }

        boolean hasMore() {
            return next < size;
        }

        /** Trains the next mini-batch of the shard (smaller at its end); the number of samples trained. */
        int trainBatch(int batch) {
            int n = Math.min(batch, size - next);
            INDArray inputs = buffers.get("inputs", net.inputShape().withBatch(n));
            INDArray targets = buffers.get("targets", net.outputShape().withBatch(n));
            shard.fill(order, next, inputs, targets, labels);
            net.trainStep(inputs, targets);
            next += n;
            return n;
        }
    }
}
