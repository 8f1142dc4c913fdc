// The options that say which settings to use: --config and --set (flags > file > defaults), shared by every command that runs Kafka clients.
package io.neurostream.app.cli;

import io.neurostream.app.config.NeurostreamConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** A picocli mixin; {@link KafkaOptions} adds the cluster to it, {@code demo} its own embedded broker. */
final class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "A properties file: neurostream.* keys (e.g. neurostream.topic.prefix) and Kafka client settings (security.protocol, sasl.*, ...).")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "One setting, repeatable; overrides the file.")
    Map<String, String> settings = new LinkedHashMap<>();

    /** Whether either option was given. */
    boolean given() {
        return configFile != null || !settings.isEmpty();
    }

    /** The --config file's settings, then the --set ones, then these (which win over both). */
    NeurostreamConfig load(Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(settings);
        merged.putAll(overrides);
        return NeurostreamConfig.load(configFile, merged);
    }
}
