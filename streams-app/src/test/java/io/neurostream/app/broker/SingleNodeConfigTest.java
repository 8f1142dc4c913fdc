// The one-node broker settings, checked without starting a broker.
package io.neurostream.app.broker;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import kafka.server.KafkaConfig;
import org.junit.jupiter.api.Test;

class SingleNodeConfigTest {
    private static final Path DATA_DIR = Path.of("/tmp/neurostream-test-data");

    @Test
    void shouldListenOnLoopbackWithTheGivenPorts() {
        Map<String, String> config = SingleNodeConfig.build(9092, 9093, DATA_DIR, Map.of());

        assertEquals("PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093", config.get("listeners"));
        assertEquals("PLAINTEXT://127.0.0.1:9092", config.get("advertised.listeners"));
        assertEquals("1@127.0.0.1:9093", config.get("controller.quorum.voters"));
        assertEquals("broker,controller", config.get("process.roles"));
        assertEquals(DATA_DIR.toString(), config.get("log.dirs"));
    }

    @Test
    void shouldReplicateEveryInternalTopicOnce() {
        Map<String, String> config = SingleNodeConfig.build(9092, 9093, DATA_DIR, Map.of());

        for (String key : new String[] {"default.replication.factor", "min.insync.replicas",
                "offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                "transaction.state.log.min.isr", "share.coordinator.state.topic.replication.factor",
                "share.coordinator.state.topic.min.isr"}) {
            assertEquals("1", config.get(key), key);
        }
        assertEquals("0", config.get("group.initial.rebalance.delay.ms"));
        assertEquals("0", config.get("group.streams.initial.rebalance.delay.ms"));
    }

    @Test
    void shouldLetOverridesWin() {
        Map<String, String> config = SingleNodeConfig.build(9092, 9093, DATA_DIR,
            Map.of("auto.create.topics.enable", "false", "offsets.topic.num.partitions", "1"));

        assertEquals("false", config.get("auto.create.topics.enable"));
        assertEquals("1", config.get("offsets.topic.num.partitions"));
    }

    @Test
    void shouldBeAcceptedByKafka() {
        Map<String, String> config = SingleNodeConfig.build(9092, 9093, DATA_DIR, Map.of());

        assertDoesNotThrow(() -> new KafkaConfig(config, false));
    }
}
