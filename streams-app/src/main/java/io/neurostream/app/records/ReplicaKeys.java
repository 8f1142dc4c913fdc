// Keys and partitions of a replicated model: shard s of model NAME is keyed "NAME#s" and lives in partition (p(NAME) + s) mod P.
package io.neurostream.app.records;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.utils.Utils;

/**
 * The rule any producer, in any language, follows to spread a model with {@code "replicas": R} over R partitions:
 * <ol>
 *   <li>the shard of a sample is {@code s = toPositive(murmur2(UTF-8 bytes of its id)) mod R} (a label goes to the shard of the
 *       sample it labels);</li>
 *   <li>its key is {@code NAME#s} ('#' never occurs in a model name);</li>
 *   <li>its partition is {@code (p(NAME) + s) mod P}, where {@code p(NAME) = toPositive(murmur2(UTF-8 bytes of NAME)) mod P} is the
 *       partition Kafka's default partitioner gives the key {@code NAME}, and P the topic's partition count. Every other key goes
 *       where the default partitioner puts it, so {@link Partitioner} may be set on any producer of samples, labels or specs.</li>
 * </ol>
 * murmur2 and toPositive are Kafka's ({@code org.apache.kafka.common.utils.Utils}; librdkafka's {@code murmur2_random}
 * partitioner, and kafka-python's default, compute the same). With R ≤ P the R shards land on R distinct partitions.
 */
public final class ReplicaKeys {
    public static final char SEPARATOR = '#';

    /** A key split into the model it belongs to and its shard. */
    public record Shard(String model, int shard) {
        public String key() {
            return ReplicaKeys.key(model, shard);
        }
    }

    private ReplicaKeys() {}

    public static String key(String model, int shard) {
        return model + SEPARATOR + shard;
    }

    /** The keys of a model's replicas, NAME#0 .. NAME#R−1; of a model that is not replicated (R = 1), its name. */
    public static List<String> keys(String model, int replicas) {
        if (replicas == 1) {
            return List.of(model);
        }
        List<String> keys = new ArrayList<>(replicas);
        for (int s = 0; s < replicas; s++) {
            keys.add(key(model, s));
        }
        return keys;
    }

    /** The key of the sample with this id: NAME#shardOf(id, R), or the name itself when the model is not replicated (R = 1). */
    public static String sampleKey(String model, String sampleId, int replicas) {
        return replicas == 1 ? model : key(model, shardOf(sampleId, replicas));
    }

    /** The shard of the sample with this id among {@code replicas}. */
    public static int shardOf(String sampleId, int replicas) {
        return Utils.toPositive(Utils.murmur2(sampleId.getBytes(StandardCharsets.UTF_8))) % replicas;
    }

    /**
     * The model and shard of a replica key, or null when the key has no '#' (a model that is not replicated, or a stream);
     * a key with a '#' that is not followed by a shard number in [0, 256) is malformed: an IllegalArgumentException says why.
     */
    public static Shard parse(String key) {
        int at = key.lastIndexOf(SEPARATOR);
        if (at < 0) {
            return null;
        }
        String digits = key.substring(at + 1);
        if (at == 0 || digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
                || (digits.length() > 1 && digits.charAt(0) == '0')) {
            throw new IllegalArgumentException("key \"" + abbreviate(key) + "\" is not MODEL#SHARD with SHARD a number in [0, 256)");
        }
        int shard = Integer.parseInt(digits);
        if (shard >= 256) {
            throw new IllegalArgumentException("key \"" + abbreviate(key) + "\" is not MODEL#SHARD with SHARD a number in [0, 256)");
        }
        return new Shard(key.substring(0, at), shard);
    }

    /** The partition of a record with this key among {@code partitions}: the rule above. */
    public static int partition(String key, int partitions) {
        int at = key.lastIndexOf(SEPARATOR);
        if (at > 0) {
            try {
                Shard shard = parse(key);
                return (defaultPartition(shard.model(), partitions) + shard.shard()) % partitions;
            } catch (IllegalArgumentException malformed) {
                // a malformed replica key goes where the default partitioner puts it; the app dead-letters it there
            }
        }
        return defaultPartition(key, partitions);
    }

    /** Kafka's default partition of a keyed record. */
    public static int defaultPartition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private static String abbreviate(String key) {
        return key.length() <= 160 ? key : key.substring(0, 160) + "...";
    }

    /**
     * {@code partitioner.class} for a Java producer of samples, labels or specs: replica keys by the rule above, every other key
     * as the default partitioner would. Keys must be UTF-8 strings (or bytes of one); a record without a key is refused.
     */
    public static final class KeyPartitioner implements Partitioner {
        @Override
        public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
            if (keyBytes == null) {
                throw new IllegalArgumentException("a record for topic " + topic + " has no key: neurostream keys every record by its model or stream");
            }
            return ReplicaKeys.partition(new String(keyBytes, StandardCharsets.UTF_8), cluster.partitionCountForTopic(topic));
        }

        @Override
        public void close() {}

        @Override
        public void configure(Map<String, ?> configs) {}
    }
}
