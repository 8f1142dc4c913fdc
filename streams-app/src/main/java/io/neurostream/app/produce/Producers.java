// Idempotent Kafka producers for neurostream's topics, configured from a NeurostreamConfig.
package io.neurostream.app.produce;

import io.neurostream.app.config.NeurostreamConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The config's Kafka settings that a producer knows (bootstrap.servers, security.protocol, ssl.*,
 * sasl.*, linger.ms, ...) are passed on; Kafka Streams-only ones (application.id, state.dir) are
 * not. acks=all and idempotence are always on: a retried send is written once.
 */
public final class Producers {
    private static final String DEFAULT_LINGER_MS = "10";

    private Producers() {}

    /** The producer settings: the config's producer keys, keys as UTF-8 strings, idempotent. */
    public static Map<String, Object> settings(NeurostreamConfig config, String clientId) {
        Set<String> known = ProducerConfig.configNames();
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.LINGER_MS_CONFIG, DEFAULT_LINGER_MS);
        config.streamsProperties().forEach((k, v) -> {
            if (known.contains((String) k)) {
                settings.put((String) k, v);
            }
        });
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return settings;
    }

    public static <V> KafkaProducer<String, V> create(NeurostreamConfig config, String clientId, Serializer<V> values) {
        return new KafkaProducer<>(settings(config, clientId), new StringSerializer(), values);
    }
}
