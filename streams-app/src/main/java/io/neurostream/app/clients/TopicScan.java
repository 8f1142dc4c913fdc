// A groupless, read_committed consumer of every partition of one topic that knows where the topic ended when it began: what the readers of a whole topic share.
package io.neurostream.app.clients;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One consumer with {@code isolation.level=read_committed} (it never sees the records of a transaction that was aborted or is still
 * open), no consumer group, no auto commit and no topic auto-creation: it assigns itself every partition of the topic, from the
 * beginning or the end, and notes the end offsets at that moment, so a reader can stop there ({@link #caughtUp()}) or keep
 * following. Used by {@code consume}, by the models-topic reader of {@code models create}/{@code delete}, and by the model-versions
 * readers of {@code serve} and {@code models export}. Not thread-safe, except {@link #wakeup()}.
 */
public final class TopicScan implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private List<TopicPartition> partitions = List.of();
    private Map<TopicPartition, Long> end;

    /** @param clientSettings a consumer's settings (bootstrap servers, security...), see {@code ClientSettings.consumer} */
    public TopicScan(Map<String, Object> clientSettings, String topic) {
        Map<String, Object> settings = new HashMap<>(clientSettings);
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
    }

    /**
     * Assigns every partition of the topic, at its beginning or at its end, and notes the end offsets.
     *
     * @return false when the topic does not exist (the broker says it has no partitions)
     * @throws TimeoutException when the topic's metadata did not come within {@code timeout}
     */
    public boolean start(Duration timeout, boolean fromBeginning) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            return false;
        }
        partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        end = consumer.endOffsets(partitions, timeout);
        return true;
    }

    public List<TopicPartition> partitions() {
        return partitions;
    }

    /** The end offsets noted by {@link #start}, or given to {@link #readUpTo}. */
    public Map<TopicPartition, Long> end() {
        if (end == null) {
            throw new IllegalStateException("start() first");
        }
        return end;
    }

    /** Reads up to these end offsets instead of those {@link #start} noted. */
    public void readUpTo(Map<TopicPartition, Long> endOffsets) {
        end = Map.copyOf(endOffsets);
    }

    /** The current end offsets (the last stable offsets, for read_committed). */
    public Map<TopicPartition, Long> endOffsets(Duration timeout) {
        return consumer.endOffsets(partitions, timeout);
    }

    /** Whether every partition has been read up to {@link #end()}. */
    public boolean caughtUp() {
        return end().entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    /** Whether a record lies at or after the end offset of its partition (written after the scan began). */
    public boolean pastEnd(ConsumerRecord<byte[], byte[]> record) {
        return record.offset() >= end().getOrDefault(new TopicPartition(record.topic(), record.partition()), Long.MAX_VALUE);
    }

    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        return consumer.poll(timeout);
    }

    /** Makes a blocked {@link #poll} or {@link #start} throw {@code WakeupException}; any thread may call it. */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
