// Replica paths beside the rounds themselves: delayed labels reach their sample's shard and keep the accounting identity across
// replicas; a waiting replica evicted from memory is reloaded and ends bit-identical to a run that never evicted it.
package io.neurostream.app.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.records.DeadLetterReason;
import io.neurostream.app.records.ReplicaKeys;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.state.ModelStore;
import io.neurostream.app.state.ReplicaState;
import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.replica.ParameterVector;
import io.neurostream.schemas.DeadLetter;
import io.neurostream.schemas.Label;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.Sample;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaPathsTest {
    private static final String MODEL = ReplicasTest.MODEL;
    private static final int REPLICAS = 2;
    private static final int ROUNDS = 3;
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path stateDir;

    private static TopologyHarness open(MemorySyncLogs logs, Map<String, String> settings, Path dir) {
        TopologyHarness harness = new TopologyHarness(dir, settings, logs, Instant.ofEpochMilli(T0));
        logs.from(harness.sync);
        for (int s = 0; s < REPLICAS; s++) {
            harness.sendSpec(ReplicaKeys.key(MODEL, s), ReplicasTest.spec(REPLICAS));
        }
        return harness;
    }

    /** Lets every replica read the sync topic and apply what is decided (well below the max wait: no round closes by time). */
    private static void settle(TopologyHarness harness) {
        for (int i = 0; i < 20; i++) {
            harness.advanceWallClock(Duration.ofMillis(100));
        }
    }

    private static Map<String, String> settings(Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(ReplicasTest.SETTINGS);
        settings.putAll(more);
        return settings;
    }

    /** What a run leaves of each replica: its state, base and newest snapshot's weights. */
    private record Ends(List<ReplicaState> states, List<byte[]> bases, List<double[]> snapshots) {
        static Ends of(TopologyHarness harness) {
            KeyValueStore<String, byte[]> kv = harness.driver.getKeyValueStore(ModelStore.NAME);
            List<ReplicaState> states = new ArrayList<>();
            List<byte[]> bases = new ArrayList<>();
            List<double[]> snapshots = new ArrayList<>();
            for (int s = 0; s < REPLICAS; s++) {
                String key = ReplicaKeys.key(MODEL, s);
                states.add(ReplicaState.get(kv, key));
                bases.add(ReplicaState.base(kv, key));
                int generation = new ModelStore(kv).head(key).generation();
                snapshots.add(ParameterVector.capture(SnapshotCodec.decode(ModelStore.snapshot(kv::get, key, generation))));
            }
            return new Ends(states, bases, snapshots);
        }

        void assertSameAs(Ends other, String what) {
            for (int s = 0; s < REPLICAS; s++) {
                assertEquals(other.states.get(s).round(), states.get(s).round(), what + ": replica " + s + "'s round");
                assertArrayEquals(other.bases.get(s), bases.get(s), what + ": replica " + s + "'s base, bit for bit");
                assertArrayEquals(other.snapshots.get(s), snapshots.get(s), what + ": replica " + s + "'s snapshot, bit for bit");
            }
        }
    }

    private static void send(TopologyHarness harness, Sample sample, long timestamp) {
        harness.sendAt(ReplicaKeys.sampleKey(MODEL, sample.getId(), REPLICAS), NeurostreamSerdes.sample().encode(sample), timestamp);
    }

    private static byte[] label(String id, int label) {
        return NeurostreamSerdes.label().encode(Label.newBuilder().setId(id).setLabel(label).setEventTime(Instant.ofEpochMilli(T0)).build());
    }

    /**
     * Delayed labels with replicas: every sample of both shards arrives unlabelled (predicted and kept by its shard's replica), two
     * more that never get a label, then the labels, keyed as producers key them (NAME#shard of the sample's id), in reverse order,
     * and one label for an id no sample has. Each label finds its sample in its shard's replica; the replicas train, merge and
     * end bit-identical to a run where the same samples came labelled in the order their labels came; and per model, summed over
     * its replicas, samples + labels = trained + predicted + pending + applied + dead-lettered.
     */
    @Test
    void shouldTrainEachDelayedLabelInItsSamplesShardAndKeepTheAccountingIdentityAcrossReplicas() {
        List<List<Sample>> shards = ReplicasTest.shards(REPLICAS, ROUNDS);
        Map<String, String> delayed = settings(Map.of(NeurostreamConfig.LABELS_MAX_DELAY.name(), "600000"));
        List<Sample> unlabelled = new ArrayList<>();
        List<Sample> labelOrder = new ArrayList<>(); // the samples in the order their labels come
        for (int i = 0; i < shards.get(0).size(); i++) {
            for (List<Sample> shard : shards) {
                unlabelled.add(Sample.newBuilder(shard.get(i)).setLabel(null).build());
                labelOrder.add(0, shard.get(i));
            }
        }
        List<Sample> never = List.of(Samples.values("never-0", 0.5f, 0.5f).build(), Samples.values("never-1", -0.5f, 0.5f).build());
        Ends delayedEnds;
        MemorySyncLogs logs = new MemorySyncLogs();
        try (TopologyHarness harness = open(logs, delayed, stateDir.resolve("delayed"))) {
            long t = T0;
            for (Sample sample : unlabelled) {
                send(harness, sample, t++);
            }
            for (Sample sample : never) {
                send(harness, sample, t++);
            }
            assertEquals(unlabelled.size() + never.size(), harness.predictions().size(), "every unlabelled sample predicted on arrival");
            for (Sample sample : labelOrder) {
                harness.sendLabelAt(ReplicaKeys.sampleKey(MODEL, sample.getId(), REPLICAS), label(sample.getId(), sample.getLabel()), t++);
                harness.advanceWallClock(Duration.ofMillis(20)); // a replica that contributed reads the decision between labels
            }
            String stray = "no-such-sample";
            harness.sendLabelAt(ReplicaKeys.sampleKey(MODEL, stray, REPLICAS), label(stray, 1), t);
            settle(harness);

            List<Prediction> outcomes = harness.predictions();
            assertEquals(labelOrder.size(), outcomes.size(), "one outcome per label that found its sample");
            List<DeadLetter> letters = harness.deadLetters();
            assertEquals(1, letters.size());
            assertEquals(DeadLetterReason.UNKNOWN_SAMPLE.name(), letters.get(0).getReason());
            double samples = unlabelled.size() + never.size();
            double labels = labelOrder.size() + 1;
            double trained = 0;
            double predicted = 0;
            double pending = 0;
            double applied = 0;
            double deadLettered = 0;
            for (int s = 0; s < REPLICAS; s++) {
                String replica = ReplicaKeys.key(MODEL, s);
                double shardApplied = harness.counter("neurostream.labels.applied", "model", replica);
                assertEquals(shards.get(s).size(), shardApplied, "replica " + s + " applied the labels of its shard's samples, and only those");
                trained += harness.counter("neurostream.samples.trained", "model", replica);
                predicted += harness.counter("neurostream.samples.predicted", "model", replica);
                pending += harness.gauge("neurostream.labels.pending", "model", replica);
                applied += shardApplied;
                deadLettered += harness.counter("neurostream.samples.dead.lettered", "model", replica);
            }
            assertEquals(labelOrder.size(), trained, "each labelled sample trained once");
            assertEquals(never.size(), pending, "the two samples without a label still wait");
            assertEquals(1, deadLettered, "the stray label, counted by the replica its key names");
            assertEquals(samples + labels, trained + predicted + pending + applied + deadLettered,
                    "samples + labels = trained + predicted + pending + applied + dead-lettered, over the replicas");
            delayedEnds = Ends.of(harness);
            for (int s = 0; s < REPLICAS; s++) {
                ReplicaState state = delayedEnds.states.get(s);
                assertEquals(ROUNDS, state.round(), "replica " + s + " merged every round: " + state);
                assertFalse(state.waiting() || state.holding(), "replica " + s + " holds nothing at the end: " + state);
            }
        }

        MemorySyncLogs labelledLogs = new MemorySyncLogs();
        try (TopologyHarness harness = open(labelledLogs, delayed, stateDir.resolve("labelled"))) {
            long t = T0;
            for (Sample sample : labelOrder) {
                send(harness, sample, t++);
            }
            settle(harness);
            delayedEnds.assertSameAs(Ends.of(harness), "delayed labels against the same samples labelled on arrival");
        }
    }

    /**
     * With {@code neurostream.models.max.loaded} 1, the two replicas in one task evict each other on every switch: replica 1
     * trains first, contributes and is evicted while it waits and holds records; the wall clock reloads it to read its decision,
     * evicting replica 0, and so on. Every replica ends bit-identical (state, base, snapshot) to a run with both in memory, every
     * sample predicted once.
     */
    @Test
    void shouldReloadAnEvictedWaitingReplicaAndEndBitIdenticalToARunThatKeptItInMemory() {
        List<List<Sample>> shards = ReplicasTest.shards(REPLICAS, ROUNDS);
        List<Sample> order = new ArrayList<>(shards.get(1)); // replica 1 first: it waits and holds most of its shard
        order.addAll(shards.get(0));
        Ends kept;
        try (TopologyHarness harness = open(new MemorySyncLogs(), settings(Map.of()), stateDir.resolve("kept"))) {
            long t = T0;
            for (Sample sample : order) {
                send(harness, sample, t++);
            }
            settle(harness);
            kept = Ends.of(harness);
        }

        try (TopologyHarness harness = open(new MemorySyncLogs(), settings(Map.of(NeurostreamConfig.MODELS_MAX_LOADED.name(), "1")),
                stateDir.resolve("evicted"))) {
            long t = T0;
            boolean evictedWhileWaiting = false;
            for (int i = 0; i < order.size(); i++) {
                send(harness, order.get(i), t++);
                if (i >= shards.get(1).size()) { // replica 0's samples: replica 1 waits, out of memory
                    ReplicaState one = ReplicaState.get(harness.driver.getKeyValueStore(ModelStore.NAME), ReplicaKeys.key(MODEL, 1));
                    evictedWhileWaiting |= one.waiting() && one.holding();
                    harness.advanceWallClock(Duration.ofMillis(20));
                }
            }
            settle(harness);
            assertTrue(evictedWhileWaiting, "replica 1 waited and held records while replica 0, alone in memory, trained");
            assertTrue(harness.metrics.registry().get("neurostream.restore.duration").tag("model", ReplicaKeys.key(MODEL, 1)).timer().count() > 1,
                    "replica 1 was evicted and restored");
            Map<String, Integer> predicted = new HashMap<>();
            harness.predictions().forEach(p -> predicted.merge(p.getSampleId().toString(), 1, Integer::sum));
            assertEquals(order.size(), predicted.size(), "every sample predicted: " + predicted.keySet());
            assertTrue(predicted.values().stream().allMatch(n -> n == 1), "every sample predicted once");
            assertTrue(harness.deadLetters().isEmpty());
            Ends evicted = Ends.of(harness);
            evicted.assertSameAs(kept, "evicted and reloaded against kept in memory");
            for (int s = 0; s < REPLICAS; s++) {
                assertEquals(ROUNDS, evicted.states.get(s).round(), "replica " + s + " merged every round");
            }
        }
    }
}
