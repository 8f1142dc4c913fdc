// A replica's sync log read from Kafka: a consumer assigned the model's sync partition, read_committed, polled without blocking.
package io.neurostream.app.sync;

import io.neurostream.app.records.ReplicaKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Assigned (not subscribed: no group, no committed offsets; the replica keeps its cursor in its store), isolation.level
 * read_committed, so a contribution or close of an aborted transaction is never seen; auto.offset.reset earliest, so a cursor
 * before the partition's retained start reads from there. Only records keyed by the model are returned.
 */
public final class KafkaSyncLog implements SyncLog {
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger OPENED = new AtomicInteger();
    /** The most a fetch of the sync partition returns (consumer.max.partition.fetch.bytes and consumer.fetch.max.bytes override it). */
    private static final int FETCH_BYTES = 16 << 20;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final byte[] key;

    private KafkaSyncLog(Map<String, Object> settings, String topic, String model) {
        Map<String, Object> config = new HashMap<>(settings);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // a waiting replica reads with a short timeout: a fetch the broker parked (up to the default 500 ms) would hold its answer
        config.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        // a round is R contributions of the model's size (13 MB each for mnist-cnn): read in 1 MB fetches (the default), one per
        // 100 ms punctuation, they came seconds after they were committed, and replicas waited for each other that long
        config.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, FETCH_BYTES);
        config.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, FETCH_BYTES);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, config.getOrDefault(ConsumerConfig.CLIENT_ID_CONFIG, "neurostream-sync") + "-" + model + "-"
                + OPENED.incrementAndGet()); // one per replica: client ids (and their JMX names) stay distinct
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        int partitions = consumer.partitionsFor(topic, METADATA_TIMEOUT).size();
        this.partition = new TopicPartition(topic, ReplicaKeys.defaultPartition(model, partitions));
        this.key = model.getBytes(StandardCharsets.UTF_8);
        consumer.assign(List.of(partition));
    }

    /** Sync logs of {@code topic} read with these consumer settings (the app's client settings: bootstrap, security, ...). */
    public static Factory factory(Map<String, Object> consumerSettings, String topic) {
        Map<String, Object> settings = Map.copyOf(consumerSettings);
        return model -> new KafkaSyncLog(settings, topic, model);
    }

    @Override
    public void seek(long offset) {
        if (offset == 0) {
            consumer.seekToBeginning(List.of(partition));
        } else {
            consumer.seek(partition, offset);
        }
    }

    @Override
    public List<Entry> poll(Duration maxWait) {
        List<Entry> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(maxWait).records(partition)) {
            if (Arrays.equals(r.key(), key)) {
                out.add(new Entry(r.offset(), r.value()));
            }
        }
        return out;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
