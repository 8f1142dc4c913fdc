// The options that say which Kafka cluster and settings to use: --bootstrap-servers, --config, --set.
package io.neurostream.app.cli;

import io.neurostream.app.config.NeurostreamConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** A picocli mixin; flags > --config file > defaults, as for {@code run}. */
final class KafkaOptions {
    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", description = "Kafka brokers (else bootstrap.servers from --config).")
    String bootstrapServers;

    @Option(names = "--config", paramLabel = "FILE",
            description = "A properties file: neurostream.* keys (e.g. neurostream.topic.prefix) and Kafka client settings (security.protocol, sasl.*, ...).")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "One setting, repeatable; overrides the file.")
    Map<String, String> settings = new LinkedHashMap<>();

    /** The merged configuration; an error when no cluster is named. */
    NeurostreamConfig load() {
        Map<String, String> overrides = new LinkedHashMap<>(settings);
        if (bootstrapServers != null) {
            overrides.put("bootstrap.servers", bootstrapServers);
        }
        NeurostreamConfig config = NeurostreamConfig.load(configFile, overrides);
        if (config.streamsProperties().getProperty("bootstrap.servers") == null) {
            throw new IllegalArgumentException("no Kafka cluster: give --bootstrap-servers or bootstrap.servers in --config");
        }
        return config;
    }
}
