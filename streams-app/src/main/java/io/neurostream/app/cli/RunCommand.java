// `neurostream run`: the topology against a Kafka cluster, until stopped.
package io.neurostream.app.cli;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.runtime.NeurostreamApp;
import io.neurostream.core.NativeKernels;
import org.apache.kafka.streams.KafkaStreams;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the training topology against a Kafka cluster until stopped (Ctrl-C or SIGTERM shut it down cleanly).",
                "Topics are created when absent. Settings: flags > --config file > defaults; see the README's configuration table."})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() {
        NeurostreamConfig config = kafka.load();
        NeurostreamApp app = NeurostreamApp.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "neurostream-shutdown"));
        command.commandLine().getOut().printf("neurostream running against %s (application.id %s); Ctrl-C stops it%n",
                config.streamsProperties().getProperty("bootstrap.servers"), config.streamsProperties().getProperty("application.id"));
        command.commandLine().getOut().printf("native kernels: %s (README \"Determinism\")%n", NativeKernels.current().describe());
        command.commandLine().getOut().flush();
        KafkaStreams.State end = app.stopped().join();
        if (end == KafkaStreams.State.ERROR) {
            throw new IllegalStateException("Kafka Streams stopped with an error (see the log above)");
        }
        return 0;
    }
}
