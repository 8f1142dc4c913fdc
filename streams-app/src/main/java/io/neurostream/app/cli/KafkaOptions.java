// The options that say which Kafka cluster and settings to use: --bootstrap-servers, --config, --set, --wait-for-broker.
package io.neurostream.app.cli;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.runtime.BrokerProbe;
import io.neurostream.app.runtime.ClientSettings;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** A picocli mixin: {@link ConfigOptions} plus the cluster; flags > --config file > defaults. */
final class KafkaOptions {
    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", description = "Kafka brokers (else bootstrap.servers from --config).")
    String bootstrapServers;

    @Mixin
    ConfigOptions config;

    @Option(names = "--wait-for-broker", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Wait up to this long (e.g. 30s, 5m) for a broker to accept connections; default: fail at once, in one line, when none answers.")
    Duration waitForBroker;

    /** The merged configuration; an error when no cluster is named. */
    NeurostreamConfig load() {
        NeurostreamConfig config = this.config.load(bootstrapServers == null ? Map.of() : Map.of("bootstrap.servers", bootstrapServers));
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
