// `neurostream run`: the topology against a Kafka cluster, until stopped.
package io.neurostream.app.cli;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.runtime.NeurostreamApp;
import org.apache.kafka.streams.KafkaStreams;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the training topology against a Kafka cluster until stopped (Ctrl-C or SIGTERM shut it down cleanly).",
                "Topics are created when absent. Settings: flags > --config file > defaults; see the README's configuration table."})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", description = "Kafka brokers (else bootstrap.servers from --config).")
    String bootstrapServers;

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file: neurostream.* keys and any Kafka Streams or client setting.")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "One setting, repeatable; overrides the file.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() {
        Map<String, String> overrides = new LinkedHashMap<>(settings);
        if (bootstrapServers != null) {
            overrides.put("bootstrap.servers", bootstrapServers);
        }
        NeurostreamConfig config = NeurostreamConfig.load(configFile, overrides);
        if (config.streamsProperties().getProperty("bootstrap.servers") == null) {
            throw new IllegalArgumentException("no Kafka cluster: give --bootstrap-servers or bootstrap.servers in --config");
        }
        NeurostreamApp app = NeurostreamApp.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "neurostream-shutdown"));
        command.commandLine().getOut().printf("neurostream running against %s (application.id %s); Ctrl-C stops it%n",
                config.streamsProperties().getProperty("bootstrap.servers"), config.streamsProperties().getProperty("application.id"));
        command.commandLine().getOut().flush();
        KafkaStreams.State end = app.stopped().join();
        if (end == KafkaStreams.State.ERROR) {
            throw new IllegalStateException("Kafka Streams stopped with an error (see the log above)");
        }
        return 0;
    }
}
