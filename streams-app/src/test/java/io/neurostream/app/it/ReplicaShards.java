// MNIST samples split into a replicated model's shards as producers split them, and what the ITs of replicas read back.
package io.neurostream.app.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.records.ReplicaKeys;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.state.ReplicaState;
import io.neurostream.app.sync.SyncRecord;
import io.neurostream.app.training.FederatedReplay;
import io.neurostream.app.training.RuntimeSettings;
import io.neurostream.core.net.Network;
import io.neurostream.core.replica.ParameterVector;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.schemas.ModelSpecRecord;
import io.neurostream.schemas.Sample;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The replicated model of the ITs ({@link #SPEC}: an MLP on MNIST, {@link #REPLICAS} replicas), and the first {@code perShard}
 * MNIST samples of each of its shards (shard = ReplicaKeys.shardOf of the sample id), decoded and as bytes.
 */
final class ReplicaShards {
    static final String MODEL = "mlp";
    static final int REPLICAS = 2;
    static final String SPEC = """
            {"name": "mlp", "input": {"shape": [784]},
             "layers": [{"type": "dense", "units": 32, "activation": "relu"}, {"type": "dense", "units": 10, "activation": "softmax"}],
             "loss": "cross_entropy", "optimizer": {"type": "adam", "learning_rate": 0.005}, "batch_size": 32, "seed": 42,
             "replicas": 2, "sync_every": 4, "sync_overlap": true}
            """;
    final List<List<Sample>> samples = new ArrayList<>();
    private final List<List<byte[]>> bytes = new ArrayList<>();

    /** The MNIST samples of each shard for {@code rounds} rounds of {@link #SPEC} ({@code sync_every} mini-batches each). */
    static ReplicaShards forRounds(int rounds) {
        ModelSpec spec = ModelSpec.parse(SPEC);
        return new ReplicaShards(rounds * spec.replication().syncEvery() * spec.batchSize());
    }

    /** Samples of each shard. */
    final int perShard;

    private ReplicaShards(int perShard) {
        this.perShard = perShard;
        for (int s = 0; s < REPLICAS; s++) {
            samples.add(new ArrayList<>());
            bytes.add(new ArrayList<>());
        }
        for (byte[] b : MnistRecords.labelled(REPLICAS * perShard + 250 * REPLICAS)) {
            Sample sample = NeurostreamSerdes.sample().deserializer().deserialize("s", b);
            int s = ReplicaKeys.shardOf(sample.getId().toString(), REPLICAS);
            if (samples.get(s).size() < perShard) {
                samples.get(s).add(sample);
                bytes.get(s).add(b);
            }
        }
        samples.forEach(l -> assertEquals(perShard, l.size(), "enough MNIST samples for every shard"));
    }

    /** Writes the spec once per shard, keyed NAME#s, to its shard's partition among {@code partitions} (as models create does). */
    static void sendSpecs(KafkaProducer<byte[], byte[]> producer, String topic, int partitions, long timestamp) throws Exception {
        for (int s = 0; s < REPLICAS; s++) {
            String key = ReplicaKeys.key(MODEL, s);
            byte[] record = NeurostreamSerdes.modelSpec().encode(ModelSpecRecord.newBuilder().setName(MODEL).setSpecJson(SPEC)
                    .setCreatedAt(Instant.ofEpochMilli(timestamp)).build());
            producer.send(new ProducerRecord<>(topic, ReplicaKeys.partition(key, partitions), timestamp, key.getBytes(StandardCharsets.UTF_8), record)).get();
        }
    }

    /** Sends sample {@code i} of every shard, keyed NAME#s, to its shard's partition among {@code partitions}. */
    void send(KafkaProducer<byte[], byte[]> producer, String topic, int partitions, int i, long timestamp) {
        for (int s = 0; s < samples.size(); s++) {
            String key = ReplicaKeys.key(MODEL, s);
            producer.send(new ProducerRecord<>(topic, ReplicaKeys.partition(key, partitions), timestamp, key.getBytes(StandardCharsets.UTF_8),
                    bytes.get(s).get(i)));
        }
    }

    /** The merged model replica {@code shard} holds as its base in the committed store (null if none). */
    double[] base(ChangelogState store, ModelSpec spec, int shard) {
        int values = ParameterVector.length(Network.create(spec));
        return SyncRecord.values(ReplicaState.base(store::get, ReplicaKeys.key(MODEL, shard)), values, spec.dataType());
    }

    /** With overlapped rounds, the merged model replica {@code shard} holds in the committed store (null if none). */
    double[] merged(ChangelogState store, ModelSpec spec, int shard) {
        int values = ParameterVector.length(Network.create(spec));
        return SyncRecord.values(ReplicaState.merged(store::get, ReplicaKeys.key(MODEL, shard)), values, spec.dataType());
    }

    /** Each replica's state in the committed store (null where none). */
    static List<ReplicaState> states(ChangelogState store) {
        List<ReplicaState> out = new ArrayList<>();
        for (int s = 0; s < REPLICAS; s++) {
            out.add(ReplicaState.get(store::get, ReplicaKeys.key(MODEL, s)));
        }
        return out;
    }

    /** Whether every replica took all {@code rounds} rounds and, with overlapped rounds, read the last one's decision. */
    static boolean done(ChangelogState store, ModelSpec spec, int rounds) {
        return states(store).stream().allMatch(st -> st != null && st.round() == rounds && !st.waiting() && !st.holding()
                && (!spec.replication().syncOverlap() || st.mergedRound() == rounds - 1));
    }

    /**
     * Asserts that every replica holds, bit for bit, what the in-process replay of the shards gives: its weights (the merged model,
     * or with overlapped rounds merged(last − 1) + its own last change) and, with overlapped rounds, the last merged model.
     */
    void assertReplayed(ChangelogState store, ModelSpec spec, RuntimeSettings runtime, String what) {
        FederatedReplay.Result expected = FederatedReplay.run(spec, samples, runtime);
        for (int s = 0; s < REPLICAS; s++) {
            assertArrayEquals(expected.replicas().get(s), base(store, spec, s), what + ": the weights of replica " + s);
            if (spec.replication().syncOverlap()) {
                assertArrayEquals(expected.merged(), merged(store, spec, s), what + ": the merged model replica " + s + " holds");
            }
        }
    }

    /** The runtime settings an app with this config trains with, for the in-process replay. */
    static RuntimeSettings runtime(NeurostreamConfig config) {
        return new RuntimeSettings(config.intValue(NeurostreamConfig.TOP_K), config.intValue(NeurostreamConfig.METRICS_INTERVAL),
                config.doubleValue(NeurostreamConfig.FADING_FACTOR), config.intValue(NeurostreamConfig.WINDOW_SIZE),
                config.longValue(NeurostreamConfig.PREDICTION_MAX_DELAY), config.longValue(NeurostreamConfig.BATCH_MAX_DELAY),
                config.longValue(NeurostreamConfig.METRICS_INTERVAL_MS));
    }
}
