// Replicas of one model in a TopologyTestDriver: rounds merge by federated averaging, bit for bit, whatever the interleaving,
// through restarts; an idle replica's round closes by time and it catches up; every sample is predicted once.
package io.neurostream.app.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.records.DeadLetterReason;
import io.neurostream.app.records.ReplicaKeys;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.state.InitPayloads;
import io.neurostream.app.state.ModelStore;
import io.neurostream.app.state.ReplicaState;
import io.neurostream.app.sync.SyncRecord;
import io.neurostream.app.training.FederatedReplay;
import io.neurostream.app.versions.ModelVersionKeys;
import io.neurostream.app.versions.ModelVersionReader;
import io.neurostream.app.versions.WeightsCodec;
import io.neurostream.app.training.RuntimeSettings;
import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.net.Network;
import io.neurostream.core.replica.ParameterVector;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.schemas.DeadLetter;
import io.neurostream.schemas.ModelSpecRecord;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.Sample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicasTest {
    static final String MODEL = "m";
    static final int BATCH = 4;
    static final int SYNC_EVERY = 2;
    static final Map<String, String> SETTINGS = Map.of(NeurostreamConfig.PREDICTION_MAX_DELAY.name(), "0",
            NeurostreamConfig.SNAPSHOT_INTERVAL.name(), "3");

    @TempDir
    Path stateDir;

    static String spec(int replicas) {
        return spec(replicas, false);
    }

    /** The spec with {@code "sync_overlap"} set as given. */
    static String spec(int replicas, boolean overlap) {
        return spec0(replicas).replace("\"sync_every\"", "\"sync_overlap\": " + overlap + ", \"sync_every\"");
    }

    private static String spec0(int replicas) {
        return """
                {"name": "%s", "input": {"shape": [2]},
                 "layers": [{"type": "dense", "units": 8, "activation": "tanh"}, {"type": "dense", "units": 2, "activation": "softmax"}],
                 "loss": "cross_entropy", "optimizer": {"type": "adam", "learning_rate": 0.05}, "batch_size": %d, "seed": 11,
                 "replicas": %d, "sync_every": %d}
                """.formatted(MODEL, BATCH, replicas, SYNC_EVERY);
    }

    /** Labelled points of each shard, in order: {@code rounds} full rounds per shard (the label is whether x > 0). */
    static List<List<Sample>> shards(int replicas, int rounds) {
        List<List<Sample>> out = new ArrayList<>();
        for (int s = 0; s < replicas; s++) {
            out.add(new ArrayList<>());
        }
        SplittableRandom random = new SplittableRandom(5);
        int perShard = rounds * SYNC_EVERY * BATCH;
        for (int i = 0; out.stream().anyMatch(l -> l.size() < perShard); i++) {
            float x = (float) (random.nextDouble() * 2 - 1);
            float y = (float) (random.nextDouble() * 2 - 1);
            String id = "s" + i;
            List<Sample> shard = out.get(ReplicaKeys.shardOf(id, replicas));
            if (shard.size() < perShard) {
                shard.add(Samples.values(id, x, y).setLabel(x > 0 ? 1 : 0).build());
            }
        }
        return out;
    }

    static double[] reference(int replicas, List<List<Sample>> shards, RuntimeSettings settings) {
        return FederatedReplay.replay(ModelSpec.parse(spec(replicas)), shards, settings);
    }

    static FederatedReplay.Result reference(int replicas, boolean overlap, List<List<Sample>> shards) {
        return FederatedReplay.run(ModelSpec.parse(spec(replicas, overlap)), shards, runtimeSettings());
    }

    private static RuntimeSettings runtimeSettings() {
        return ProcessorSettings.from(NeurostreamConfig.load(null, SETTINGS)).runtime();
    }

    private TopologyHarness open(MemorySyncLogs logs, Map<String, String> settings, Path dir) {
        TopologyHarness harness = new TopologyHarness(dir, settings, logs, Instant.ofEpochMilli(1_700_000_000_000L));
        logs.from(harness.sync);
        return harness;
    }

    /** Lets every replica read the sync topic and apply what is decided (below the max wait: no round closes by time). */
    private static void settle(TopologyHarness harness) {
        for (int i = 0; i < 20; i++) {
            harness.advanceWallClock(Duration.ofMillis(100));
        }
    }

    private static void send(TopologyHarness harness, int shard, Sample sample) {
        harness.send(ReplicaKeys.key(MODEL, shard), NeurostreamSerdes.sample().encode(sample));
    }

    /** Replica s's base (the merged model it adopted last) and its newest snapshot's weights, which equal it right after a merge. */
    private static double[] base(TopologyHarness harness, int shard) {
        KeyValueStore<String, byte[]> kv = harness.driver.getKeyValueStore(ModelStore.NAME);
        return values(ReplicaState.base(kv, ReplicaKeys.key(MODEL, shard)));
    }

    /** With overlapped rounds, the merged model replica s holds (the latest decided round up to the one before its own). */
    private static double[] merged(TopologyHarness harness, int shard) {
        KeyValueStore<String, byte[]> kv = harness.driver.getKeyValueStore(ModelStore.NAME);
        return values(ReplicaState.merged(kv::get, ReplicaKeys.key(MODEL, shard)));
    }

    private static double[] values(byte[] payload) {
        double[] values = SyncRecord.values(payload, ParameterVector.length(Network.create(ModelSpec.parse(spec(2)))),
                org.nd4j.linalg.api.buffer.DataType.FLOAT);
        assertNotNull(values);
        return values;
    }

    private static double[] snapshotWeights(TopologyHarness harness, int shard) {
        KeyValueStore<String, byte[]> kv = harness.driver.getKeyValueStore(ModelStore.NAME);
        String key = ReplicaKeys.key(MODEL, shard);
        int generation = new ModelStore(kv).head(key).generation();
        return ParameterVector.capture(SnapshotCodec.decode(ModelStore.snapshot(kv::get, key, generation)));
    }

    private static ReplicaState state(TopologyHarness harness, int shard) {
        return ReplicaState.get(harness.driver.getKeyValueStore(ModelStore.NAME), ReplicaKeys.key(MODEL, shard));
    }

    /** Runs every shard's samples through one driver in the given order of shards (one entry per sample), then settles. */
    private double[] run(int replicas, List<List<Sample>> shards, List<Integer> order, Path dir, Map<String, Integer> predictions) {
        MemorySyncLogs logs = new MemorySyncLogs();
        try (TopologyHarness harness = open(logs, SETTINGS, dir)) {
            for (int s = 0; s < replicas; s++) {
                harness.sendSpec(ReplicaKeys.key(MODEL, s), spec(replicas));
            }
            int[] next = new int[replicas];
            for (int s : order) {
                send(harness, s, shards.get(s).get(next[s]++));
            }
            settle(harness);
            for (Prediction p : harness.predictions()) {
                predictions.merge(p.getSampleId(), 1, Integer::sum);
            }
            assertTrue(harness.deadLetters().isEmpty());
            double[] merged = base(harness, 0);
            for (int s = 0; s < replicas; s++) {
                ReplicaState state = state(harness, s);
                assertFalse(state.waiting() || state.holding(), "replica " + s + " ends with its last round applied: " + state);
                assertEquals(shards.get(0).size() / (SYNC_EVERY * BATCH), state.round());
                assertArrayEquals(merged, base(harness, s), "replica " + s + " holds the same merged model");
                assertArrayEquals(merged, snapshotWeights(harness, s), "replica " + s + " snapshotted the merged model when it adopted it");
            }
            assertEquals(shards.get(0).size() / (SYNC_EVERY * BATCH), harness.counter("neurostream.sync.rounds", "model", MODEL, "replica", "0"));
            assertEquals(java.util.Set.of(Duration.ZERO, Replica.WAITING_READ), java.util.Set.copyOf(logs.waits),
                    "a waiting replica's read may block briefly (so a fetch and its answer fit in one call); a training one's never");
            return merged;
        }
    }

    private static List<Integer> alternating(int replicas, int perShard) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < perShard; i++) {
            for (int s = 0; s < replicas; s++) {
                order.add(s);
            }
        }
        return order;
    }

    private static List<Integer> oneAfterTheOther(int replicas, int perShard) {
        List<Integer> order = new ArrayList<>();
        for (int s = replicas - 1; s >= 0; s--) {
            for (int i = 0; i < perShard; i++) {
                order.add(s);
            }
        }
        return order;
    }

    private static List<Integer> shuffled(int replicas, int perShard, long seed) {
        List<Integer> order = alternating(replicas, perShard);
        java.util.Collections.shuffle(order, new java.util.Random(seed));
        return order;
    }

    @Test
    void shouldMergeTwoReplicasByFederatedAverageAfterEachRoundBitIdenticallyWhateverTheInterleaving() {
        int rounds = 3;
        List<List<Sample>> shards = shards(2, rounds);
        int perShard = shards.get(0).size();
        double[] expected = reference(2, shards, runtimeSettings());
        List<List<Integer>> orders = List.of(alternating(2, perShard), oneAfterTheOther(2, perShard), shuffled(2, perShard, 3));
        for (int i = 0; i < orders.size(); i++) {
            Map<String, Integer> predictions = new HashMap<>();
            double[] merged = run(2, shards, orders.get(i), stateDir.resolve("order" + i), predictions);
            assertTrue(Arrays.equals(expected, merged), "interleaving " + i + ": the merged model equals the training by hand, bit for bit");
            assertEquals(2 * perShard, predictions.size());
            assertTrue(predictions.values().stream().allMatch(n -> n == 1), "every sample predicted exactly once");
        }
    }

    /**
     * With overlapped rounds: runs every shard's samples in the given order, settles, and checks each replica against the replay:
     * its weights (base and newest snapshot) are merged(last − 1) + its own last change, the merged model it holds is merged(last).
     */
    private List<Duration> runOverlapped(int replicas, List<List<Sample>> shards, List<Integer> order, Path dir, Map<String, Integer> predictions) {
        FederatedReplay.Result expected = reference(replicas, true, shards);
        MemorySyncLogs logs = new MemorySyncLogs();
        try (TopologyHarness harness = open(logs, SETTINGS, dir)) {
            for (int s = 0; s < replicas; s++) {
                harness.sendSpec(ReplicaKeys.key(MODEL, s), spec(replicas, true));
            }
            int[] next = new int[replicas];
            for (int s : order) {
                send(harness, s, shards.get(s).get(next[s]++));
            }
            settle(harness);
            harness.predictions().forEach(p -> predictions.merge(p.getSampleId(), 1, Integer::sum));
            assertTrue(harness.deadLetters().isEmpty());
            int rounds = shards.get(0).size() / (SYNC_EVERY * BATCH);
            for (int s = 0; s < replicas; s++) {
                ReplicaState state = state(harness, s);
                assertFalse(state.waiting() || state.holding(), "replica " + s + " ends with its last round taken: " + state);
                assertEquals(rounds, state.round());
                assertEquals(rounds - 1, state.mergedRound(), "it read the last decision");
                assertArrayEquals(expected.merged(), merged(harness, s), "replica " + s + " holds the merged model of the last round");
                assertArrayEquals(expected.replicas().get(s), base(harness, s), "replica " + s + ": merged(last - 1) + its own change");
                assertArrayEquals(base(harness, s), snapshotWeights(harness, s), "replica " + s + " snapshotted what it took");
            }
            assertTrue(Set.of(Duration.ZERO, Replica.WAITING_READ).containsAll(logs.waits));
            return logs.waits;
        }
    }

    @Test
    void shouldOverlapRoundsBitIdenticallyToTheReplayWhateverTheInterleaving() {
        List<List<Sample>> shards = shards(2, 3);
        int perShard = shards.get(0).size();
        FederatedReplay.Result overlapped = reference(2, true, shards);
        assertFalse(Arrays.equals(overlapped.merged(), reference(2, false, shards).merged()), "overlap changes what round 1 trains from");
        List<List<Integer>> orders = List.of(alternating(2, perShard), oneAfterTheOther(2, perShard), shuffled(2, perShard, 3));
        for (int i = 0; i < orders.size(); i++) {
            Map<String, Integer> predictions = new HashMap<>();
            List<Duration> waits = runOverlapped(2, shards, orders.get(i), stateDir.resolve("order" + i), predictions);
            if (i == 0) { // the shards' samples alternate: merged(r - 1) is always there at the end of round r
                assertFalse(waits.contains(Replica.WAITING_READ), "no replica ever waited (with a barrier each waits every round)");
            }
            assertEquals(2 * perShard, predictions.size());
            assertTrue(predictions.values().stream().allMatch(n -> n == 1), "every sample predicted exactly once");
        }
        Map<String, Integer> three = new HashMap<>();
        List<List<Sample>> threeShards = shards(3, 2);
        runOverlapped(3, threeShards, shuffled(3, threeShards.get(0).size(), 9), stateDir.resolve("three"), three);
        assertEquals(3 * threeShards.get(0).size(), three.size());
    }

    @Test
    void aReplicaWithOverlappedRoundsTrainsItsNextRoundWhileItsPartnerIsSlow() {
        List<List<Sample>> shards = shards(2, 3);
        for (boolean overlap : new boolean[] {false, true}) {
            MemorySyncLogs logs = new MemorySyncLogs();
            try (TopologyHarness harness = open(logs, SETTINGS, stateDir.resolve("overlap-" + overlap))) {
                harness.sendSpec(ReplicaKeys.key(MODEL, 0), spec(2, overlap));
                harness.sendSpec(ReplicaKeys.key(MODEL, 1), spec(2, overlap));
                int perRound = SYNC_EVERY * BATCH;
                for (int i = 0; i < 2 * perRound; i++) { // replica 0's rounds 0 and 1; replica 1 has nothing yet
                    send(harness, 0, shards.get(0).get(i));
                }
                ReplicaState zero = state(harness, 0);
                if (!overlap) {
                    assertEquals(perRound, zero.heldNext() - zero.heldFirst(), "without overlap it holds round 1's samples: " + zero);
                    continue;
                }
                assertEquals(1, zero.round(), "round 0 ended with merged(-1) + its own change, at once: " + zero);
                assertTrue(zero.waiting(), "round 1 ended; it waits for merged(0), which needs replica 1's round 0");
                assertFalse(zero.holding(), "no record was held while merged(0) was pending");
                assertEquals(2 * perRound, harness.predictions().size());
                for (int i = 2 * perRound; i < 2 * perRound + 3; i++) {
                    send(harness, 0, shards.get(0).get(i));
                }
                assertEquals(3, state(harness, 0).heldNext() - state(harness, 0).heldFirst(), "now it holds");
                for (int i = 0; i < 2 * perRound; i++) {
                    send(harness, 1, shards.get(1).get(i));
                }
                settle(harness);
                zero = state(harness, 0);
                assertEquals(2, zero.round());
                assertFalse(zero.waiting() || zero.holding(), "merged(0) came: it took merged(0) + its change and its held records " + zero);
                List<List<Sample>> twoRounds = shards.stream().map(l -> l.subList(0, 2 * perRound)).toList();
                FederatedReplay.Result expected = reference(2, true, twoRounds);
                assertArrayEquals(expected.replicas().get(0), base(harness, 0));
                assertArrayEquals(expected.replicas().get(1), base(harness, 1));
                assertArrayEquals(expected.merged(), merged(harness, 1));
            }
        }
    }

    @Test
    void shouldPublishTheMergedModelUnderItsNameFromShardZeroOnly() {
        publishFromShardZero(false);
    }

    @Test
    void shouldPublishThePureMergedModelWithOverlappedRounds() {
        publishFromShardZero(true); // no replica's weights are merged(1) then: shard 0 publishes it when it reads its decision
    }

    private void publishFromShardZero(boolean overlap) {
        List<List<Sample>> shards = shards(2, 3);
        Map<String, String> settings = new HashMap<>(SETTINGS);
        settings.put(NeurostreamConfig.PUBLISH_INTERVAL.name(), Integer.toString(2 * SYNC_EVERY)); // a version every second round
        MemorySyncLogs logs = new MemorySyncLogs();
        try (TopologyHarness harness = open(logs, settings, stateDir)) {
            for (int s = 0; s < 2; s++) {
                harness.sendSpec(ReplicaKeys.key(MODEL, s), spec(2, overlap));
            }
            int[] next = new int[2];
            for (int s : alternating(2, shards.get(0).size())) {
                send(harness, s, shards.get(s).get(next[s]++));
            }
            settle(harness);
            ModelVersionReader reader = new ModelVersionReader(problem -> { throw new AssertionError(problem); });
            List<Long> versions = new ArrayList<>();
            var records = harness.modelVersions.readKeyValuesToList();
            assertEquals(1, records.stream().filter(r -> Arrays.equals(r.key, ModelVersionKeys.manifest(MODEL))).count(),
                    "one manifest: shard 0 publishes, shard 1 (holding the same merged model) does not");
            for (var r : records) {
                assertEquals(MODEL, ModelVersionKeys.model(r.key), "published under the model's name, never a replica's");
                reader.accept(r.key, r.value, "test").ifPresent(v -> versions.add(v.version()));
            }
            assertEquals(List.of(2L * SYNC_EVERY), versions, "one version, when the merged model of round 1 reached step 4 (shard 0 only)");
            List<List<Sample>> twoRounds = shards.stream().map(l -> l.subList(0, 2 * SYNC_EVERY * BATCH)).toList();
            assertArrayEquals(reference(2, overlap, twoRounds).merged(), ParameterVector.capture(reader.newest(MODEL).orElseThrow().network()),
                    "the version is the merged model of round 1, bit for bit");
        }
    }

    @Test
    void shouldMergeThreeReplicasLikeTheTrainingByHand() {
        List<List<Sample>> shards = shards(3, 2);
        int perShard = shards.get(0).size();
        Map<String, Integer> predictions = new HashMap<>();
        double[] merged = run(3, shards, shuffled(3, perShard, 9), stateDir, predictions);
        assertArrayEquals(reference(3, shards, runtimeSettings()), merged);
        assertEquals(3 * perShard, predictions.size());
    }

    @Test
    void shouldGiveTheSameBitsThroughRestartsMidRoundAndWhileHoldingRecords() {
        restartMidRoundAndWhileHolding(false);
    }

    @Test
    void shouldGiveTheSameBitsThroughRestartsWithOverlappedRounds() {
        restartMidRoundAndWhileHolding(true);
    }

    private void restartMidRoundAndWhileHolding(boolean overlap) {
        int rounds = 3;
        List<List<Sample>> shards = shards(2, rounds);
        int perShard = shards.get(0).size();
        List<Integer> order = oneAfterTheOther(2, perShard); // replica 1 trains all first: it holds most of its records
        MemorySyncLogs logs = new MemorySyncLogs();
        Map<String, Integer> predictions = new HashMap<>();
        int[] next = new int[2];
        int[] stops = {5, perShard + 3, perShard + 11, 2 * perShard};
        int from = 0;
        boolean sawHolding = false;
        Map<String, byte[]> committed = new HashMap<>();
        for (int stop : stops) {
            try (TopologyHarness harness = open(logs, SETTINGS, stateDir.resolve("run" + from))) {
                KeyValueStore<String, byte[]> kv = harness.driver.getKeyValueStore(ModelStore.NAME);
                committed.forEach(kv::put); // the store as the last commit left it, restored from its changelog
                if (from == 0) {
                    harness.sendSpec(ReplicaKeys.key(MODEL, 0), spec(2, overlap));
                    harness.sendSpec(ReplicaKeys.key(MODEL, 1), spec(2, overlap));
                }
                for (int i = from; i < stop; i++) {
                    int s = order.get(i);
                    send(harness, s, shards.get(s).get(next[s]++));
                }
                sawHolding |= state(harness, 1).holding();
                if (stop == 2 * perShard) {
                    settle(harness);
                }
                harness.predictions().forEach(p -> predictions.merge(p.getSampleId(), 1, Integer::sum));
                if (stop == 2 * perShard) {
                    FederatedReplay.Result expected = reference(2, overlap, shards);
                    for (int s = 0; s < 2; s++) {
                        assertArrayEquals(expected.replicas().get(s), base(harness, s), "replica " + s);
                        assertEquals(rounds, state(harness, s).round());
                        if (overlap) {
                            assertArrayEquals(expected.merged(), merged(harness, s), "replica " + s + " holds the last merged model");
                        }
                    }
                }
                logs.records(); // what this driver wrote to the sync topic stays there for the next one
                committed.clear();
                try (var all = kv.all()) {
                    all.forEachRemaining(e -> committed.put(e.key, e.value));
                }
            }
            from = stop;
        }
        assertTrue(sawHolding, "a restart came while replica 1 held records");
        assertEquals(2 * perShard, predictions.size());
        assertTrue(predictions.values().stream().allMatch(n -> n == 1), "every sample predicted exactly once across restarts");
    }

    @Test
    void shouldCloseARoundWithoutAnIdleReplicaAfterTheMaxWaitAndLetItCatchUpWhenItGetsSamples() {
        closeWithoutAnIdleReplica(false);
    }

    @Test
    void shouldCloseTheRoundAReplicaWithOverlappedRoundsWaitsForWithoutAnIdleReplica() {
        closeWithoutAnIdleReplica(true);
    }

    private void closeWithoutAnIdleReplica(boolean overlap) {
        Map<String, String> settings = new HashMap<>(SETTINGS);
        settings.put(NeurostreamConfig.SYNC_MAX_WAIT.name(), "1000");
        List<List<Sample>> shards = shards(2, 3);
        MemorySyncLogs logs = new MemorySyncLogs();
        try (TopologyHarness harness = open(logs, settings, stateDir)) {
            harness.sendSpec(ReplicaKeys.key(MODEL, 0), spec(2, overlap));
            harness.sendSpec(ReplicaKeys.key(MODEL, 1), spec(2, overlap));
            for (Sample sample : shards.get(0)) {
                send(harness, 0, sample);
                harness.advanceWallClock(Duration.ofMillis(600)); // replica 0 waits 1 s at each round's end, then closes it
            }
            for (int i = 0; i < 6; i++) {
                harness.advanceWallClock(Duration.ofMillis(600));
            }
            ReplicaState zero = state(harness, 0);
            assertEquals(3, zero.round(), "replica 0 went on alone: " + zero);
            assertFalse(zero.waiting() || zero.holding());
            assertEquals(1.0, harness.counter("neurostream.sync.rounds.closed.by.timeout", "model", MODEL, "replica", "0"),
                    "round 0 closed by time (with overlap, at round 1's end, when replica 0 waited for it); from round 1 on only replica 0 "
                            + "is expected, and its contribution decides each round");
            assertEquals(1.0, harness.gauge("neurostream.sync.replicas.alive", "model", MODEL, "replica", "0"));

            send(harness, 1, Sample.newBuilder(shards.get(1).get(0)).setLabel(null).build()); // unlabelled: predicted at once
            ReplicaState one = state(harness, 1);
            assertEquals(3, one.round(), "the idle replica caught up to the latest decided round before its first sample");
            assertArrayEquals(overlap ? merged(harness, 0) : base(harness, 0), base(harness, 1), "with the latest merged model");
            assertEquals(shards.get(0).size() + 1, harness.predictions().size(), "every sample predicted once");
        }
    }

    @Test
    void shouldStartEveryReplicaFromTheInitialWeightsOfItsSpecRecord() {
        ModelSpec spec = ModelSpec.parse(spec(2));
        Network init = Network.create(spec);
        ParameterVector.assign(init, ParameterVector.capture(Network.create(spec.with(Map.of("seed", 99)))));
        byte[] payload = WeightsCodec.encode(init);
        MemorySyncLogs logs = new MemorySyncLogs();
        try (TopologyHarness harness = open(logs, SETTINGS, stateDir)) {
            for (int s = 0; s < 2; s++) {
                String key = ReplicaKeys.key(MODEL, s);
                for (KeyValue<String, byte[]> chunk : InitPayloads.chunks(key, payload)) { // models create --init-from: NAME#s/init/I
                    harness.models.pipeInput(chunk.key.getBytes(StandardCharsets.UTF_8), chunk.value);
                }
                RecordHeaders headers = new RecordHeaders();
                headers.add(new RecordHeader(InitPayloads.HEADER, InitPayloads.header(payload)));
                byte[] record = NeurostreamSerdes.modelSpec().encode(ModelSpecRecord.newBuilder().setName(MODEL).setSpecJson(spec(2))
                        .setCreatedAt(Instant.now()).build());
                harness.models.pipeInput(new TestRecord<>(key.getBytes(StandardCharsets.UTF_8), record, headers, Instant.now()));
            }
            List<List<Sample>> shards = shards(2, 1);
            send(harness, 0, shards.get(0).get(0));
            send(harness, 1, shards.get(1).get(0));
            assertTrue(harness.deadLetters().isEmpty());
            assertArrayEquals(ParameterVector.capture(init), base(harness, 0), "replica 0 starts from the initial weights");
            assertArrayEquals(ParameterVector.capture(init), base(harness, 1), "and so does replica 1");
        }
    }

    @Test
    void shouldDeadLetterASpecForAShardBeyondTheModelsReplicas() {
        MemorySyncLogs logs = new MemorySyncLogs();
        try (TopologyHarness harness = open(logs, SETTINGS, stateDir)) {
            harness.sendSpec(ReplicaKeys.key(MODEL, 5), spec(2));
            List<DeadLetter> letters = harness.deadLetters();
            assertEquals(1, letters.size());
            assertEquals(DeadLetterReason.REPLICA_OUT_OF_RANGE.name(), letters.get(0).getReason());
            assertEquals("shard 5 of model m, which has 2 replicas", letters.get(0).getMessage());

            harness.sendSpec(ReplicaKeys.key(MODEL, 1), spec(2));
            send(harness, 3, shards(2, 1).get(0).get(0)); // a task that holds shard 1's spec knows the model has 2 replicas
            letters = harness.deadLetters();
            assertEquals(1, letters.size());
            assertEquals(DeadLetterReason.REPLICA_OUT_OF_RANGE.name(), letters.get(0).getReason());
            assertTrue(letters.get(0).getMessage().endsWith(": shard 3 of model m, which has 2 replicas"), letters.get(0).getMessage());
        }
    }

    @Test
    void shouldDeadLetterTheRecordsAReplicaHeldWhenItsModelIsDeletedAndTrainThemWhenItIsReplaced() {
        List<List<Sample>> shards = shards(2, 3);
        MemorySyncLogs logs = new MemorySyncLogs();
        try (TopologyHarness harness = open(logs, SETTINGS, stateDir)) {
            harness.sendSpec(ReplicaKeys.key(MODEL, 0), spec(2));
            harness.sendSpec(ReplicaKeys.key(MODEL, 1), spec(2));
            for (int i = 0; i < 12; i++) { // a round of 8, then 4 held while replica 1 has not contributed
                send(harness, 0, shards.get(0).get(i));
            }
            assertEquals(4, state(harness, 0).heldNext() - state(harness, 0).heldFirst());
            harness.sendSpec(ReplicaKeys.key(MODEL, 0), spec(2).replace("\"seed\": 11", "\"seed\": 12"));
            ReplicaState replaced = state(harness, 0);
            assertFalse(replaced.holding() || replaced.waiting(), "the new model took the held records: " + replaced);
            assertEquals(12, harness.predictions().size(), "8 in the first round, 4 by the new model's first batch");

            for (int i = 12; i < 20; i++) { // the new model's round 0 ends with its 8th sample: the last 4 are held
                send(harness, 0, shards.get(0).get(i));
            }
            assertTrue(state(harness, 0).holding());
            harness.sendTombstone(ReplicaKeys.key(MODEL, 0));
            List<DeadLetter> letters = harness.deadLetters();
            assertEquals(4, letters.size(), "each held record ends dead-lettered");
            assertTrue(letters.stream().allMatch(d -> d.getReason().equals(DeadLetterReason.UNKNOWN_MODEL.name())));
            assertEquals(null, state(harness, 0));
        }
    }
}
