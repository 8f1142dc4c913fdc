// One place computes each client's settings: plain keys the client knows, then its prefixed keys, which win.
package io.neurostream.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.produce.Producers;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientSettingsTest {
    private static NeurostreamConfig config() {
        Map<String, String> set = new LinkedHashMap<>();
        set.put("bootstrap.servers", "broker:9093");
        set.put("security.protocol", "SASL_SSL");
        set.put("sasl.mechanism", "PLAIN");
        set.put("sasl.jaas.config", "plain-for-all");
        set.put("ssl.truststore.location", "/etc/trust.p12");
        set.put("producer.sasl.jaas.config", "producer-only");
        set.put("producer.ssl.keystore.location", "/etc/producer.p12");
        set.put("consumer.isolation.level", "read_committed");
        set.put("admin.sasl.jaas.config", "admin-only");
        set.put("application.id", "app");
        set.put("state.dir", "/tmp/state");
        set.put("neurostream.topic.prefix", "t-");
        return NeurostreamConfig.defaults().with(set);
    }

    @Test
    void shouldGiveAProducerThePlainKeysItKnowsAndItsPrefixedKeysWhichWin() {
        Map<String, Object> producer = ClientSettings.producer(config(), "p");

        assertEquals("broker:9093", producer.get("bootstrap.servers"));
        assertEquals("SASL_SSL", producer.get("security.protocol"));
        assertEquals("PLAIN", producer.get("sasl.mechanism"));
        assertEquals("/etc/trust.p12", producer.get("ssl.truststore.location"));
        assertEquals("producer-only", producer.get("sasl.jaas.config"));
        assertEquals("/etc/producer.p12", producer.get("ssl.keystore.location"));
        assertEquals("p", producer.get("client.id"));
        for (String absent : new String[] {"isolation.level", "application.id", "state.dir", "neurostream.topic.prefix", "producer.sasl.jaas.config"}) {
            assertFalse(producer.containsKey(absent), absent);
        }
    }

    @Test
    void shouldGiveConsumersAndAdminClientsTheirOwnPrefixes() {
        Map<String, Object> consumer = ClientSettings.consumer(config(), "c");
        assertEquals("read_committed", consumer.get("isolation.level"));
        assertEquals("plain-for-all", consumer.get("sasl.jaas.config"));
        assertFalse(consumer.containsKey("ssl.keystore.location"), "a producer.-prefixed key stays with producers");

        Map<String, Object> admin = ClientSettings.admin(config(), "a");
        assertEquals("admin-only", admin.get("sasl.jaas.config"));
        assertEquals("SASL_SSL", admin.get("security.protocol"));
        assertFalse(admin.containsKey("isolation.level"));
        assertFalse(admin.containsKey("application.id"));
    }

    @Test
    void shouldKeepProducersIdempotentWhateverTheConfigSays() {
        Map<String, Object> producer = Producers.settings(config().with(Map.of("producer.acks", "0", "producer.enable.idempotence", "false")), "p");

        assertEquals("all", producer.get("acks"));
        assertEquals("true", producer.get("enable.idempotence"));
        assertEquals("producer-only", producer.get("sasl.jaas.config"));
        assertEquals("10", producer.get("linger.ms"), "neurostream's default linger");
        assertEquals("50", Producers.settings(config().with(Map.of("producer.linger.ms", "50")), "p").get("linger.ms"));
    }
}
