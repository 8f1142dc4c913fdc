// Reads the model-versions topic from its beginning into a ModelVersionReader: what `serve` (which keeps following) and `models export` (which stops at the end) share.
package io.neurostream.app.versions;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One consumer with {@code isolation.level=read_committed} (so it never sees the chunks of a
 * transaction that was aborted or is still open) and no consumer group: it assigns itself every
 * partition of the topic and reads from the beginning. {@link #caughtUp()} tells when it has read up
 * to the end offsets the topic had when {@link #start} assigned it. Not thread-safe, except
 * {@link #wakeup()}.
 */
public final class ModelVersionsConsumer implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final ModelVersionReader reader;
    private Map<TopicPartition, Long> end;

    /**
     * @param clientSettings a consumer's settings (bootstrap servers, security...), see {@code ClientSettings.consumer}
     * @param problems       told, in one line, about records that do not decode and versions that fail their checksum
     */
    public ModelVersionsConsumer(Map<String, Object> clientSettings, String topic, Consumer<String> problems) {
        Map<String, Object> settings = new HashMap<>(clientSettings);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"); // run creates it, compacted
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.reader = new ModelVersionReader(problems);
    }

    /**
     * Assigns every partition of the topic from its beginning and notes their end offsets.
     *
     * @return false when the topic does not exist (yet), after waiting up to {@code timeout} for its metadata
     */
    public boolean start(Duration timeout) {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic, timeout);
        } catch (TimeoutException e) {
            infos = List.of();
        }
        if (infos == null || infos.isEmpty()) {
            return false;
        }
        List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        end = consumer.endOffsets(partitions);
        return true;
    }

    /** Polls once and gives {@code completed} each version that a record completes, for the models {@code wanted} accepts. */
    public void poll(Duration timeout, Predicate<String> wanted, Consumer<PublishedModel> completed) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            if (r.key() != null && !wanted.test(ModelVersionKeys.model(r.key()))) {
                continue;
            }
            reader.accept(r.key(), r.value(), r.topic() + "-" + r.partition() + "@" + r.offset()).ifPresent(completed);
        }
    }

    /** Whether it has read up to the end offsets the topic had when {@link #start} assigned it. */
    public boolean caughtUp() {
        return end != null && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    /** Reads up to the end the topic had at {@link #start} and returns the newest complete version of {@code model} in it. */
    public Optional<PublishedModel> newestUpToEnd(String model, Duration pollTimeout) {
        if (end == null) {
            throw new IllegalStateException("start() first");
        }
        while (!caughtUp()) {
            poll(pollTimeout, model::equals, version -> { });
        }
        return reader.newest(model);
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
