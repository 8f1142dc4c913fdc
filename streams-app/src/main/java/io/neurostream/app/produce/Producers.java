// Idempotent Kafka producers for neurostream's topics, configured from a NeurostreamConfig.
package io.neurostream.app.produce;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.records.ReplicaKeys;
import io.neurostream.app.runtime.ClientSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The producer settings of {@link ClientSettings#producer} (the config's plain producer keys, then
 * its {@code producer.}-prefixed ones), with linger.ms 10 unless set; acks=all and idempotence are
 * always on: a retried send is written once.
 */
public final class Producers {
    private static final String DEFAULT_LINGER_MS = "10";
    private static final long DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

    private Producers() {}

    /** The producer settings: the config's producer keys, keys as UTF-8 strings, idempotent. */
    public static Map<String, Object> settings(NeurostreamConfig config, String clientId) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.LINGER_MS_CONFIG, DEFAULT_LINGER_MS);
        settings.putAll(ClientSettings.producer(config, clientId));
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        settings.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, ReplicaKeys.KeyPartitioner.class.getName());
        return settings;
    }

    /**
     * The settings of {@link #settings(NeurostreamConfig, String)} for a producer that keeps retrying
     * a send for up to {@code retryFor} while the broker is away (delivery.timeout.ms), and blocks a
     * send at most that long while its buffer is full or the topic's leader unknown (max.block.ms).
     */
    public static Map<String, Object> settings(NeurostreamConfig config, String clientId, Duration retryFor) {
        Map<String, Object> settings = settings(config, clientId);
        long retryMs = retryFor.toMillis();
        Object configured = settings.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
        long requestMs = Math.min(configured == null ? DEFAULT_REQUEST_TIMEOUT_MS : Long.parseLong(String.valueOf(configured)), Math.max(1, retryMs / 2));
        long lingerMs = Long.parseLong(String.valueOf(settings.get(ProducerConfig.LINGER_MS_CONFIG)));
        settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(requestMs));
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(retryMs, requestMs + lingerMs)));
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(retryMs));
        return settings;
    }

    public static <V> KafkaProducer<String, V> create(NeurostreamConfig config, String clientId, Serializer<V> values) {
        return new KafkaProducer<>(settings(config, clientId), new StringSerializer(), values);
    }

    /** A producer that retries a send for up to {@code retryFor} (see {@link #settings(NeurostreamConfig, String, Duration)}). */
    public static <V> KafkaProducer<String, V> create(NeurostreamConfig config, String clientId, Serializer<V> values, Duration retryFor) {
        return new KafkaProducer<>(settings(config, clientId, retryFor), new StringSerializer(), values);
    }
}
