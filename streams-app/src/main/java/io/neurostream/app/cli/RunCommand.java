// `neurostream run`: the topology against a Kafka cluster, until stopped.
package io.neurostream.app.cli;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.runtime.NeurostreamApp;
import io.neurostream.app.topology.NeurostreamTopology;
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
    /** How long a signal waits for the app to close: its Kafka Streams close timeout (60 s) and some margin. */
    static final long STOP_WAIT_SECONDS = 75;

    @Spec
    CommandSpec command;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws InterruptedException {
        NeurostreamConfig config = kafka.load();
        NeurostreamTopology.checkSettings(config); // a setting the app cannot honour is refused before any connection
        kafka.probe(config, command);
        NeurostreamApp app = NeurostreamApp.start(config);
        try (StopOnSignal signal = new StopOnSignal("neurostream-shutdown", STOP_WAIT_SECONDS, app::close)) {
            command.commandLine().getOut().printf("neurostream running against %s (application.id %s); Ctrl-C stops it%n",
                    config.streamsProperties().getProperty("bootstrap.servers"), config.streamsProperties().getProperty("application.id"));
            command.commandLine().getOut().printf("native kernels: %s (README \"Determinism\")%n", NativeKernels.current().describe());
            command.commandLine().getOut().flush();
            KafkaStreams.State end = app.stopped().join();
            if (end == KafkaStreams.State.ERROR && !signal.signalled()) {
                app.close();
                throw new IllegalStateException("Kafka Streams stopped with an error (see the log above)");
            }
        }
        return 0;
    }
}
