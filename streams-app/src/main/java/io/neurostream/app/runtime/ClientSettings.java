// The one place that computes a Kafka client's settings from neurostream's configuration.
package io.neurostream.app.runtime;

import io.neurostream.app.config.NeurostreamConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The settings of one kind of client, as Kafka Streams computes them for its own clients: every
 * plain key that client knows (bootstrap.servers, security.protocol, ssl.*, sasl.*, ...), then every
 * key with the client's prefix ({@code producer.}, {@code consumer.}, {@code admin.}), prefix
 * removed, which wins over the plain one. Kafka Streams-only keys (application.id, state.dir, ...)
 * and neurostream's own keys are left out. Every client neurostream creates outside Kafka Streams
 * (produce, models create, the demo's producer, the topic setup and the broker probe) takes its
 * settings from here, so credentials given once in {@code --config} reach all of them.
 */
public final class ClientSettings {
    public static final String PRODUCER_PREFIX = "producer.";
    public static final String CONSUMER_PREFIX = "consumer.";
    public static final String ADMIN_PREFIX = "admin.";

    private ClientSettings() {}

    /** A producer's settings (the caller adds serializers and what it insists on, e.g. idempotence). */
    public static Map<String, Object> producer(NeurostreamConfig config, String clientId) {
        return of(config.streamsProperties(), PRODUCER_PREFIX, ProducerConfig.configNames(), clientId);
    }

    /** A consumer's settings. */
    public static Map<String, Object> consumer(NeurostreamConfig config, String clientId) {
        return of(config.streamsProperties(), CONSUMER_PREFIX, ConsumerConfig.configNames(), clientId);
    }

    /** An admin client's settings. */
    public static Map<String, Object> admin(NeurostreamConfig config, String clientId) {
        return of(config.streamsProperties(), ADMIN_PREFIX, AdminClientConfig.configNames(), clientId);
    }

    static Map<String, Object> of(Properties props, String prefix, Set<String> known, String clientId) {
        Map<String, Object> settings = new LinkedHashMap<>();
        for (String key : props.stringPropertyNames()) {
            if (known.contains(key)) {
                settings.put(key, props.getProperty(key));
            }
        }
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                settings.put(key.substring(prefix.length()), props.getProperty(key));
            }
        }
        settings.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return settings;
    }

    /** The bootstrap servers a client of this kind connects to, for messages. */
    public static String bootstrapServers(Map<String, Object> settings) {
        return String.valueOf(settings.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    }
}
