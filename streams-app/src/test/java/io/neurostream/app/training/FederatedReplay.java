// The training of a replicated model done by hand, without Kafka: each replica trains its shard's rounds, merged after each.
package io.neurostream.app.training;

import io.neurostream.core.net.Network;
import io.neurostream.core.replica.FederatedAverage;
import io.neurostream.core.replica.ParameterVector;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.schemas.Sample;
import java.util.ArrayList;
import java.util.List;

/** The reference the topology's replicas are compared with, bit for bit: local SGD with federated averaging in full rounds. */
public final class FederatedReplay {
    private FederatedReplay() {}

    /**
     * merged(last): every replica starts from the spec's initial weights, trains {@code sync_every} batches of its shard per
     * round with its own optimizer (test-then-train, as {@link ModelRuntime} does in the app), then all take
     * FederatedAverage.merge of their deltas; only the shards' full rounds count.
     */
    public static double[] replay(ModelSpec spec, List<List<Sample>> shards, RuntimeSettings settings) {
        int replicas = shards.size();
        int perRound = spec.replication().syncEvery() * spec.batchSize();
        List<ModelRuntime> runtimes = new ArrayList<>();
        for (int s = 0; s < replicas; s++) {
            runtimes.add(new ModelRuntime(Network.create(spec), new PrequentialStats(settings.fadingFactor(), settings.window()), settings));
        }
        double[] base = ParameterVector.capture(runtimes.get(0).network());
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
                        ParameterVector.delta(ParameterVector.capture(runtime.network()), base, spec.dataType())));
            }
            base = FederatedAverage.merge(base, contributions, spec.dataType());
            for (ModelRuntime runtime : runtimes) {
                ParameterVector.assign(runtime.network(), base);
            }
        }
        return base;
    }
}
