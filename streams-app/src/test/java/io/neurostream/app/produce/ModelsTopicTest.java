// The placement of a model's spec records on the models topic and the tombstones a new placement writes for the old one.
package io.neurostream.app.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.produce.ModelsTopic.KeyAt;
import io.neurostream.app.records.ReplicaKeys;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelsTopicTest {
    private static final int P = 4;

    private static ModelSpec spec(Map<String, Object> fields) {
        return Presets.load("xor").with(Map.of("name", "m")).with(fields);
    }

    private static Set<KeyAt> keys(KeyAt... keys) {
        return new HashSet<>(List.of(keys));
    }

    @Test
    void aReplicatedModelIsWrittenOncePerShardInItsShardsPartition() {
        int home = ReplicaKeys.defaultPartition("m", P);
        assertEquals(List.of(new KeyAt("m", home)), ModelsTopic.placement(spec(Map.of()), P));
        assertEquals(List.of(new KeyAt("m#0", home), new KeyAt("m#1", (home + 1) % P), new KeyAt("m#2", (home + 2) % P)),
                ModelsTopic.placement(spec(Map.of("replicas", 3)), P));
        assertEquals(List.of(new KeyAt("m", ReplicaKeys.defaultPartition("digits", P))), ModelsTopic.placement(spec(Map.of("source", "digits")), P));
    }

    @Test
    void goingFromTwoReplicasToOneTombstonesBothShardKeysAndTheirChunks() {
        int home = ReplicaKeys.defaultPartition("m", P);
        Set<KeyAt> old = keys(new KeyAt("m#0", home), new KeyAt("m#0/init/0", home), new KeyAt("m#1", (home + 1) % P),
                new KeyAt("m#1/init/0", (home + 1) % P));

        List<KeyAt> tombstones = ModelsTopic.tombstones(old, ModelsTopic.placement(spec(Map.of()), P), 0);

        assertEquals(List.of(new KeyAt("m#0", home), new KeyAt("m#0/init/0", home), new KeyAt("m#1", (home + 1) % P),
                new KeyAt("m#1/init/0", (home + 1) % P)), tombstones);
    }

    @Test
    void goingFromOneReplicaToThreeTombstonesThePlainKeyAndKeepsNothingElse() {
        int home = ReplicaKeys.defaultPartition("m", P);
        List<KeyAt> next = ModelsTopic.placement(spec(Map.of("replicas", 3)), P);

        assertEquals(List.of(new KeyAt("m", home)), ModelsTopic.tombstones(keys(new KeyAt("m", home)), next, 0));
        assertEquals(List.of(), ModelsTopic.tombstones(new HashSet<>(next), next, 0), "the same placement again tombstones nothing");
        assertEquals(List.of(new KeyAt("m#3", (home + 3) % P)),
                ModelsTopic.tombstones(new HashSet<>(ModelsTopic.placement(spec(Map.of("replicas", 4)), P)), next, 0), "4 -> 3 replicas");
    }

    @Test
    void anotherSourceTombstonesTheOldPartitionOnly() {
        int digits = ReplicaKeys.defaultPartition("digits", P);
        int other = (digits + 1) % P;
        Set<KeyAt> old = keys(new KeyAt("m", other), new KeyAt("m/init/0", other), new KeyAt("m", digits));

        assertEquals(List.of(new KeyAt("m", other), new KeyAt("m/init/0", other)),
                ModelsTopic.tombstones(old, ModelsTopic.placement(spec(Map.of("source", "digits")), P), 0));
    }

    @Test
    void newInitialWeightsTombstoneOldChunksBeyondTheirCountAndASpecWithoutWeightsKeepsThem() {
        int home = ReplicaKeys.defaultPartition("m", P);
        Set<KeyAt> old = keys(new KeyAt("m", home), new KeyAt("m/init/0", home), new KeyAt("m/init/1", home), new KeyAt("m/init/2", home));
        List<KeyAt> next = ModelsTopic.placement(spec(Map.of()), P);

        assertEquals(List.of(new KeyAt("m/init/2", home)), ModelsTopic.tombstones(old, next, 2));
        assertEquals(List.of(), ModelsTopic.tombstones(old, next, 0));
    }

    @Test
    void deletingTombstonesEveryKey() {
        Set<KeyAt> old = keys(new KeyAt("m#0", 1), new KeyAt("m#1", 2), new KeyAt("m", 0), new KeyAt("m#1/init/0", 2));
        assertEquals(List.of(new KeyAt("m", 0), new KeyAt("m#0", 1), new KeyAt("m#1", 2), new KeyAt("m#1/init/0", 2)),
                ModelsTopic.tombstones(old, List.of(), 0));
    }

    @Test
    void aModelsKeysAreItsNameItsShardsAndTheirChunksOnly() {
        for (String key : List.of("m", "m#0", "m#17", "m/init/3", "m#2/init/0")) {
            assertTrue(ModelsTopic.belongsTo(key, "m"), key);
        }
        for (String key : List.of("mm", "m2#0", "m#x", "m#01", "mm/init/0", "other#1", "m-b")) {
            assertFalse(ModelsTopic.belongsTo(key, "m"), key);
        }
    }

    @Test
    void moreReplicasThanPartitionsIsOneLineNamingBothNumbers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelSpecPublisher.checkReplicas("m", 5, "samples", 4));
        assertEquals("model m has 5 replicas but topic samples has only 4 partition(s): give the topic at least 5 partitions "
                + "(neurostream.topic.partitions, or kafka-topics --alter) or the spec fewer replicas", e.getMessage());
        ModelSpecPublisher.checkReplicas("m", 4, "samples", 4);
    }
}
