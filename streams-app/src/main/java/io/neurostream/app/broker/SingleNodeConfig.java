// The broker settings of a one-node Kafka cluster (KRaft, broker and controller in one process, on
// loopback): every internal topic at replication 1 so transactions, consumer/streams/share groups work.
package io.neurostream.app.broker;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

final class SingleNodeConfig {
    static final int NODE_ID = 1;
    static final String HOST = "127.0.0.1";
    static final String BROKER_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** Partitions of the offsets, transaction-state and share-state topics: few groups here, and each costs time on first use. */
    static final int INTERNAL_TOPIC_PARTITIONS = 5;
    private static final String ONE = "1";

    private SingleNodeConfig() {
    }

    /** Broker properties for the given ports and data directory; {@code overrides} win over the defaults. */
    static Map<String, String> build(int brokerPort, int controllerPort, Path dataDir, Map<String, String> overrides) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", String.valueOf(NODE_ID));
        config.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        config.put("controller.listener.names", CONTROLLER_LISTENER);
        config.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort + ","
            + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        config.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
        config.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        config.put("inter.broker.listener.name", BROKER_LISTENER);
        config.put("log.dirs", dataDir.toAbsolutePath().toString());

        config.put("default.replication.factor", ONE);
        config.put("min.insync.replicas", ONE);
        config.put("offsets.topic.replication.factor", ONE);
        config.put("offsets.topic.num.partitions", String.valueOf(INTERNAL_TOPIC_PARTITIONS));
        config.put("transaction.state.log.replication.factor", ONE);
        config.put("transaction.state.log.min.isr", ONE);
        config.put("transaction.state.log.num.partitions", String.valueOf(INTERNAL_TOPIC_PARTITIONS));
        config.put("share.coordinator.state.topic.replication.factor", ONE);
        config.put("share.coordinator.state.topic.min.isr", ONE);
        config.put("share.coordinator.state.topic.num.partitions", String.valueOf(INTERNAL_TOPIC_PARTITIONS));
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("group.streams.initial.rebalance.delay.ms", "0");

        config.putAll(overrides);
        return config;
    }
}
