// `neurostream broker`: a local one-node Kafka (KRaft) for trying neurostream out, until Ctrl-C.
package io.neurostream.app.cli;

import io.neurostream.app.broker.EmbeddedKafka;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "broker", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a local single-node Kafka broker (KRaft: broker and controller in this process, on 127.0.0.1) until Ctrl-C.",
                "Its data stays in --data-dir, so a restart keeps topics and records. Not for production: one node, replication 1.",
                "Prints the bootstrap address for --bootstrap-servers once the broker serves requests."},
        footer = {"", "Example:",
                "  neurostream broker --port 9092 --data-dir kafka-data",
                "  # in another terminal:",
                "  neurostream produce --bootstrap-servers 127.0.0.1:9092 --model xor --synthetic xor"})
final class BrokerCommand implements Callable<Integer> {
    static final String DEFAULT_DATA_DIR = "kafka-data";

    @Spec
    CommandSpec command;

    @Option(names = "--port", defaultValue = "9092", paramLabel = "PORT",
            description = "Client port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", defaultValue = DEFAULT_DATA_DIR, paramLabel = "DIR",
            description = "Where the broker keeps its logs and metadata, formatted on first use (default: ./${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--controller-port", defaultValue = "0", paramLabel = "PORT",
            description = "KRaft controller port on 127.0.0.1; 0 picks a free one at each start (default: ${DEFAULT-VALUE}).")
    int controllerPort;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65_535) {
            return ExitCodes.badInput(command, "--port must be 0 to 65535, got " + port);
        }
        if (controllerPort < 0 || controllerPort > 65_535) {
            return ExitCodes.badInput(command, "--controller-port must be 0 to 65535, got " + controllerPort);
        }
        if (port != 0 && port == controllerPort) {
            return ExitCodes.badInput(command, "--port and --controller-port must differ, both are " + port);
        }
        EmbeddedKafka kafka = EmbeddedKafka.builder().port(port).controllerPort(controllerPort).dataDir(dataDir).build();
        PrintWriter out = command.commandLine().getOut();
        CountDownLatch closed = new CountDownLatch(1);
        // registered before start: a Ctrl-C while the broker starts waits for it, then shuts it down cleanly
        Thread hook = new Thread(() -> closeOnce(kafka, closed, out), "neurostream-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            kafka.start();
        } catch (RuntimeException e) {
            closed.countDown(); // start() has cleaned up: nothing for the hook to close
            throw e;
        }
        out.printf("Kafka broker running at %s (data directory %s); Ctrl-C stops it%n", kafka.bootstrapServers(),
                dataDir.toAbsolutePath().normalize());
        out.printf("bootstrap.servers=%s%n", kafka.bootstrapServers());
        out.flush();
        try {
            closed.await();
        } catch (InterruptedException e) {
            // stopped from within this JVM (tests, an embedding caller): close here instead of in the hook
            Runtime.getRuntime().removeShutdownHook(hook);
            closeOnce(kafka, closed, out);
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }

    /** Closes the broker and says so; on Ctrl-C the JVM may end as soon as the hook returns, so the hook prints it. */
    private static synchronized void closeOnce(EmbeddedKafka kafka, CountDownLatch closed, PrintWriter out) {
        if (closed.getCount() > 0) {
            kafka.close();
            out.println("Kafka broker stopped");
            out.flush();
            closed.countDown();
        }
    }
}
