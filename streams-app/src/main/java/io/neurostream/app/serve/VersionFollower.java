// Follows the model-versions topic from its beginning and hands every newly complete version to the registry.
package io.neurostream.app.serve;

import io.neurostream.app.versions.ModelVersionKeys;
import io.neurostream.app.versions.ModelVersionReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread, one consumer with {@code isolation.level=read_committed} (so it never sees the chunks
 * of a transaction that was aborted or is still open) and no consumer group: it assigns itself
 * every partition, reads from the beginning, and keeps reading. {@link #notReady()} says why the
 * server is not ready until the consumer has read up to the end offsets the topic had when it
 * started, so that /health turns 200 only once the newest published versions are loaded.
 */
public final class VersionFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VersionFollower.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final ModelRegistry models;
    private final ServeMetrics metrics;
    private final Thread thread;
    private volatile String notReady;
    private volatile boolean closing;

    private VersionFollower(Map<String, Object> consumerSettings, String topic, ModelRegistry models, ServeMetrics metrics) {
        Map<String, Object> settings = new HashMap<>(consumerSettings);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"); // run creates it, compacted
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.models = models;
        this.metrics = metrics;
        this.notReady = "waiting for topic " + topic;
        this.thread = new Thread(this::follow, "neurostream-versions");
        this.thread.setDaemon(true);
    }

    /** Starts following {@code topic} with these consumer settings (bootstrap servers, security...). */
    public static VersionFollower start(Map<String, Object> consumerSettings, String topic, ModelRegistry models, ServeMetrics metrics) {
        VersionFollower follower = new VersionFollower(consumerSettings, topic, models, metrics);
        follower.thread.start();
        return follower;
    }

    /** Why the newest versions are not loaded yet, or null once they are. */
    public String notReady() {
        return notReady;
    }

    private void follow() {
        ModelVersionReader reader = new ModelVersionReader(problem -> {
            metrics.rejected();
            LOG.warn("{}", problem);
        });
        try {
            List<TopicPartition> partitions = awaitPartitions();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            notReady = "loading the versions published on " + topic;
            while (!closing) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (r.key() != null && !models.wants(ModelVersionKeys.model(r.key()))) {
                        continue;
                    }
                    reader.accept(r.key(), r.value(), r.topic() + "-" + r.partition() + "@" + r.offset()).ifPresent(models::offer);
                }
                if (notReady != null && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    notReady = null;
                    LOG.info("loaded the versions published on {}: {}", topic, models.all().stream()
                            .map(m -> m.name() + " " + m.version()).collect(Collectors.joining(", ")));
                }
            }
        } catch (WakeupException e) {
            if (!closing) {
                notReady = "the model-versions consumer stopped: " + e;
            }
        } catch (RuntimeException e) {
            notReady = "the model-versions consumer failed: " + e.getMessage();
            LOG.error("reading {} failed; no newer versions will be loaded: {}", topic, e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private List<TopicPartition> awaitPartitions() {
        while (!closing) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                infos = List.of();
            }
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            LOG.info("topic {} does not exist yet (run creates it); waiting", topic);
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                throw new WakeupException();
            }
        }
        throw new WakeupException();
    }

    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
