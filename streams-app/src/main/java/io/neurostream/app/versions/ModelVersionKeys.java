// Keys of the model-versions topic, and the partitioner that keeps all of a model's records in one partition.
package io.neurostream.app.versions;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * {@code MODEL/chunk/INDEX} for a chunk and {@code MODEL/manifest} for the manifest, so that
 * compaction keeps the newest record of each chunk index and the newest manifest per model (model
 * names never contain '/'). Every record of a model goes to the partition of its name (murmur2, as
 * Kafka's default partitioner does for the name as key): a version's chunks and its manifest keep
 * their order.
 */
public final class ModelVersionKeys {
    private static final String CHUNK = "/chunk/";
    private static final String MANIFEST = "/manifest";

    private ModelVersionKeys() {}

    public static byte[] chunk(String model, int index) {
        return (model + CHUNK + index).getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] manifest(String model) {
        return (model + MANIFEST).getBytes(StandardCharsets.UTF_8);
    }

    /** The model a key belongs to: everything before its first '/', or the whole key. */
    public static String model(byte[] key) {
        String k = new String(key, StandardCharsets.UTF_8);
        int slash = k.indexOf('/');
        return slash < 0 ? k : k.substring(0, slash);
    }

    /** The partition of a model's records among {@code partitions}. */
    public static int partition(String model, int partitions) {
        return Utils.toPositive(Utils.murmur2(model.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** For the topology's model-versions sink. */
    public static StreamPartitioner<byte[], byte[]> partitioner() {
        return (topic, key, value, partitions) -> Optional.of(Set.of(partition(model(key), partitions)));
    }
}
