// The options that say which Kafka cluster and settings to use: --bootstrap-servers, --config, --set, --wait-for-broker.
package io.neurostream.app.cli;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.runtime.BrokerProbe;
import io.neurostream.app.runtime.ClientSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
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

    @Option(names = "--wait-for-broker", paramLabel = "TIME", converter = DemoCommand.DurationConverter.class,
            description = "Wait up to this long (e.g. 30s, 5m) for a broker to accept connections; default: fail at once, in one line, when none answers.")
    Duration waitForBroker;

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

    /**
     * Checks that a broker answers at the config's address with its admin client settings (see
     * {@link BrokerProbe}); a one-line error otherwise. Waits only with --wait-for-broker.
     */
    void probe(NeurostreamConfig config, CommandSpec command) throws InterruptedException {
        PrintWriter err = command.commandLine().getErr();
        BrokerProbe.check(ClientSettings.admin(config, "neurostream-" + command.name()), waitForBroker == null ? Duration.ZERO : waitForBroker,
                line -> {
                    err.println(command.qualifiedName() + ": " + line);
                    err.flush();
                });
    }
}
