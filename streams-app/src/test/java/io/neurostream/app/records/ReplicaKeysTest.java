package io.neurostream.app.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.junit.jupiter.api.Test;

class ReplicaKeysTest {
    @Test
    void aReplicaKeyIsTheModelAHashAndItsShard() {
        assertEquals("mnist-cnn#3", ReplicaKeys.key("mnist-cnn", 3));
        assertEquals(new ReplicaKeys.Shard("mnist-cnn", 3), ReplicaKeys.parse("mnist-cnn#3"));
        assertNull(ReplicaKeys.parse("mnist-cnn"));
    }

    @Test
    void aModelsKeysAndASamplesKeyAreItsNameWhenItIsNotReplicated() {
        assertEquals(List.of("m"), ReplicaKeys.keys("m", 1));
        assertEquals(List.of("m#0", "m#1", "m#2"), ReplicaKeys.keys("m", 3));
        assertEquals("m", ReplicaKeys.sampleKey("m", "sample-7", 1));
        assertEquals(ReplicaKeys.key("m", ReplicaKeys.shardOf("sample-7", 3)), ReplicaKeys.sampleKey("m", "sample-7", 3));
    }

    @Test
    void malformedReplicaKeysSayWhatIsWrong() {
        for (String bad : List.of("m#", "#1", "m#x", "m#01", "m#256", "m#-1", "m#1000")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReplicaKeys.parse(bad), bad);
            assertEquals("key \"" + bad + "\" is not MODEL#SHARD with SHARD a number in [0, 256)", e.getMessage());
        }
    }

    @Test
    void theShardsOfAModelLandOnDistinctConsecutivePartitions() {
        for (int partitions : new int[] {1, 2, 3, 8, 12}) {
            int first = ReplicaKeys.defaultPartition("lenet5", partitions);
            Set<Integer> seen = new HashSet<>();
            for (int s = 0; s < partitions; s++) {
                int p = ReplicaKeys.partition(ReplicaKeys.key("lenet5", s), partitions);
                assertEquals((first + s) % partitions, p);
                seen.add(p);
            }
            assertEquals(partitions, seen.size());
        }
    }

    @Test
    void otherKeysGoWhereKafkasDefaultPartitionerPutsThem() {
        for (String key : List.of("lenet5", "digits", "m#bad", "ünïcode")) {
            byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            for (int partitions : new int[] {1, 4, 7}) {
                assertEquals(BuiltInPartitioner.partitionForKey(bytes, partitions), ReplicaKeys.partition(key, partitions), key);
            }
        }
    }

    @Test
    void samplesSpreadEvenlyOverTheShards() {
        int[] counts = new int[4];
        for (int i = 0; i < 40_000; i++) {
            counts[ReplicaKeys.shardOf("sample-" + i, 4)]++;
        }
        for (int c : counts) {
            assertEquals(10_000, c, 400);
        }
    }

    @Test
    void theProducerPartitionerFollowsTheRule() {
        Node node = new Node(0, "localhost", 9092);
        List<PartitionInfo> parts = List.of(0, 1, 2, 3, 4).stream().map(p -> new PartitionInfo("samples", p, node, null, null)).toList();
        Cluster cluster = new Cluster("c", List.of(node), parts, Set.of(), Set.of());
        try (ReplicaKeys.KeyPartitioner partitioner = new ReplicaKeys.KeyPartitioner()) {
            byte[] key = "m#2".getBytes(StandardCharsets.UTF_8);
            assertEquals(ReplicaKeys.partition("m#2", 5), partitioner.partition("samples", "m#2", key, null, null, cluster));
            assertThrows(IllegalArgumentException.class, () -> partitioner.partition("samples", null, null, null, null, cluster));
        }
    }
}
