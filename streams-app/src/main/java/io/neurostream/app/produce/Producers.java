// Idempotent Kafka producers for neurostream's topics, configured from a NeurostreamConfig.
package io.neurostream.app.produce;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.runtime.ClientSettings;
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

    private Producers() {}

    /** The producer settings: the config's producer keys, keys as UTF-8 strings, idempotent. */
    public static Map<String, Object> settings(NeurostreamConfig config, String clientId) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.LINGER_MS_CONFIG, DEFAULT_LINGER_MS);
        settings.putAll(ClientSettings.producer(config, clientId));
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return settings;
    }

    public static <V> KafkaProducer<String, V> create(NeurostreamConfig config, String clientId, Serializer<V> values) {
        return new KafkaProducer<>(settings(config, clientId), new StringSerializer(), values);
    }
}
