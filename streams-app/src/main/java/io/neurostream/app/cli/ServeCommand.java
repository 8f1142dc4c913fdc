// `neurostream serve`: the newest published version of each model behind TensorFlow Serving's REST API, swapped as new ones arrive.
package io.neurostream.app.cli;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.serve.Serving;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the newest version of each model published on the model-versions topic (run publishes one every",
                "neurostream.publish.interval.batches steps) over HTTP, swapping in new versions without failing a request:",
                "POST /v1/models/NAME:predict {\"instances\": [...]}, GET /v1/models[/NAME], /metrics, /health. Trains nothing."})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--models", split = ",", paramLabel = "NAME[,NAME...]", description = "Only these models (default: every model published).")
    List<String> models = List.of();

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 exposes the server).")
    String host;

    @Option(names = "--port", defaultValue = "8501", description = "Port (default: ${DEFAULT-VALUE}, TensorFlow Serving's REST port; 0 picks a free one).")
    int port;

    @Option(names = "--max-body-bytes", defaultValue = "4194304", description = "Largest request body accepted (default: ${DEFAULT-VALUE}); larger is a 400.")
    int maxBodyBytes;

    @Option(names = "--threads", description = "Predictions computed at once (default: one per processor).")
    Integer threads;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0-65535, got " + port);
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("--max-body-bytes must be >= 1024, got " + maxBodyBytes);
        }
        int slots = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (slots < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + slots);
        }
        NeurostreamConfig config = kafka.load();
        kafka.probe(config, command);
        Serving serving = Serving.start(config, new LinkedHashSet<>(models), host, port, maxBodyBytes, slots);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            serving.close();
            stopped.countDown();
        }, "neurostream-serve-shutdown"));
        command.commandLine().getOut().printf("serving %s from topic %smodel-versions on http://%s:%d/v1/models (Kafka at %s); Ctrl-C stops it%n",
                models.isEmpty() ? "every published model" : String.join(", ", models), config.string(NeurostreamConfig.TOPIC_PREFIX),
                host, serving.port(), config.streamsProperties().getProperty("bootstrap.servers"));
        command.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }
}
