// The training of a replicated model done by hand, without Kafka: each replica trains its shard's rounds, merged after each.
package io.neurostream.app.training;

import io.neurostream.core.net.Network;
import io.neurostream.core.replica.FederatedAverage;
import io.neurostream.core.replica.ParameterVector;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.schemas.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The reference the topology's replicas are compared with, bit for bit: local SGD with federated averaging in full rounds. */
public final class FederatedReplay {
    private FederatedReplay() {}

    /**
     * After the last full round: the merged model, and each replica's weights (its base for the next round: the merged model, or
     * with {@code "sync_overlap": true} merged(last − 1) + its own change of the last round).
     */
    public record Result(double[] merged, List<double[]> replicas) {}

    /** merged(last), see {@link #run}. */
    public static double[] replay(ModelSpec spec, List<List<Sample>> shards, RuntimeSettings settings) {
        return run(spec, shards, settings).merged();
    }

    /**
     * Every replica starts from the spec's initial weights, trains {@code sync_every} batches of its shard per round with its own
     * optimizer (test-then-train, as {@link ModelRuntime} does in the app) from its base, and contributes its change since that
     * base; merged(r) = FederatedAverage.merge(merged(r−1), their changes). Each replica's next base is merged(r), or with
     * overlapped rounds merged(r−1) + its own change (ParameterVector.plus). Only the shards' full rounds count.
     */
    public static Result run(ModelSpec spec, List<List<Sample>> shards, RuntimeSettings settings) {
        int replicas = shards.size();
        int perRound = spec.replication().syncEvery() * spec.batchSize();
        boolean overlap = spec.replication().syncOverlap();
        List<ModelRuntime> runtimes = new ArrayList<>();
        for (int s = 0; s < replicas; s++) {
            runtimes.add(new ModelRuntime(Network.create(spec), new PrequentialStats(settings.fadingFactor(), settings.window()), settings));
        }
        double[] merged = ParameterVector.capture(runtimes.get(0).network());
        double[][] bases = new double[replicas][];
        Arrays.fill(bases, merged);
        int rounds = shards.stream().mapToInt(List::size).min().orElse(0) / perRound;
        for (int round = 0; round < rounds; round++) {
            List<FederatedAverage.Contribution> contributions = new ArrayList<>();
            for (int s = 0; s < replicas; s++) {
                ModelRuntime runtime = runtimes.get(s);
                for (int i = round * perRound; i < (round + 1) * perRound; i++) {
                    Rejection rejected = runtime.add(shards.get(s).get(i), 0, 0);
                    if (rejected != null) {
                        throw new IllegalArgumentException("sample " + i + " of shard " + s + ": " + rejected.message());
                    }
                    if (runtime.batchFull()) {
                        runtime.trainBatch(Output.NONE);
                    }
                }
                contributions.add(new FederatedAverage.Contribution(s, perRound,
                        ParameterVector.delta(ParameterVector.capture(runtime.network()), bases[s], spec.dataType())));
            }
            double[] previous = merged;
            merged = FederatedAverage.merge(previous, contributions, spec.dataType());
            for (int s = 0; s < replicas; s++) {
                bases[s] = overlap ? ParameterVector.plus(previous, contributions.get(s).delta(), spec.dataType()) : merged;
                ParameterVector.assign(runtimes.get(s).network(), bases[s]);
            }
        }
        return new Result(merged, List.of(bases));
    }
}
