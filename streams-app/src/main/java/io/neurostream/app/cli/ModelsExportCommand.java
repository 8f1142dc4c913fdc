// `neurostream models export NAME (--bootstrap-servers H:P | --snapshot FILE) --format onnx -o model.onnx`: a model's weights in a format other runtimes load.
package io.neurostream.app.cli;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.runtime.ClientSettings;
import io.neurostream.app.versions.ModelVersionsConsumer;
import io.neurostream.app.versions.PublishedModel;
import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.codec.SnapshotException;
import io.neurostream.core.net.Network;
import io.neurostream.core.onnx.OnnxException;
import io.neurostream.core.onnx.OnnxExport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a model's weights as an ONNX model, to run it with ONNX Runtime or any ONNX tool.",
                "The model comes from Kafka (--bootstrap-servers, --config, --set: the newest complete version published on the "
                        + "model-versions topic, read with read_committed) or from a snapshot file (--snapshot, written by "
                        + "'train --save FILE'); give exactly one of the two. The ONNX model pins IR version 8 and "
                        + "opset 17, computes in prediction mode (dropout off, batch norm on its running statistics), takes "
                        + "\"input\" [batch, ...input shape] (int64 token ids for token models) and gives \"output\"; it carries "
                        + "the spec in its metadata (key neurostream.spec), so 'train --init-from' restores it exactly.",
                "Exit codes: 0 written, 1 cannot write or Kafka failure, 2 bad input (no source or two, unreadable snapshot, "
                        + "another model's, no published version, a layer with no ONNX form)."},
        footer = {"", "Examples:",
                "  neurostream models export mnist-mlp --bootstrap-servers localhost:9092 --format onnx -o mnist-mlp.onnx",
                "  neurostream train --model mnist-mlp --epochs 1 --save mnist-mlp.snapshot",
                "  neurostream models export mnist-mlp --snapshot mnist-mlp.snapshot --format onnx -o mnist-mlp.onnx"})
final class ModelsExportCommand extends ClusterCommand {
    private static final Duration TOPIC_WAIT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);

    @Parameters(index = "0", paramLabel = "NAME", description = "The model's name (as in its spec).")
    String name;

    @Option(names = "--snapshot", paramLabel = "FILE", description = "A snapshot file written by 'train --save FILE' (instead of Kafka).")
    Path snapshot;

    @Option(names = "--format", defaultValue = "onnx", paramLabel = "FORMAT", description = "Output format: onnx (the default and only one).")
    String format;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Where to write the model.")
    Path output;

    @Override
    int run() throws InterruptedException {
        if (!format.equals("onnx")) {
            return ExitCodes.badInput(command, "--format: unknown format \"" + format + "\"; formats: onnx");
        }
        boolean fromKafka = kafka.bootstrapServers != null || kafka.config.given();
        if (fromKafka == (snapshot != null)) {
            return ExitCodes.badInput(command, fromKafka
                    ? "give --snapshot FILE or Kafka settings (--bootstrap-servers, --config, --set), not both: the model comes from one of them"
                    : "where from? give --bootstrap-servers HOST:PORT (the newest published version) or --snapshot FILE");
        }
        Network net;
        String source;
        if (fromKafka) {
            NeurostreamConfig config = connect();
            String topic = topics(config).modelVersions();
            PublishedModel published = newestPublished(config, topic);
            net = published.network();
            source = "version published at " + published.publishedAt() + " on topic " + topic;
        } else {
            try {
                net = SnapshotCodec.decode(Files.readAllBytes(snapshot));
            } catch (IOException e) {
                return ExitCodes.badInput(command, snapshot + ": cannot read: " + e.getMessage());
            } catch (SnapshotException e) {
                return ExitCodes.badInput(command, snapshot + ": " + e.getMessage());
            }
            if (!net.spec().name().equals(name)) {
                return ExitCodes.badInput(command, snapshot + " holds model " + net.spec().name() + ", not " + name);
            }
            source = "snapshot " + snapshot;
        }
        byte[] onnx;
        try {
            onnx = OnnxExport.export(net);
        } catch (OnnxException e) {
            return ExitCodes.badInput(command, e.getMessage());
        }
        TrainCommand.write(output, onnx);
        out().printf("model %s (step %,d, %s) written to %s as ONNX (IR version 8, opset 17, %,d bytes)%n",
                name, net.counters().steps(), source, output, onnx.length);
        return ExitCodes.OK;
    }

    /** The newest complete version of the model on the topic, up to the end the topic has now; bad input when there is none. */
    private PublishedModel newestPublished(NeurostreamConfig config, String topic) {
        PrintWriter err = command.commandLine().getErr();
        try (ModelVersionsConsumer versions = new ModelVersionsConsumer(ClientSettings.consumer(config, "neurostream-models-export"), topic,
                problem -> {
                    err.println(command.qualifiedName() + ": warning: " + problem);
                    err.flush();
                })) {
            if (!versions.start(TOPIC_WAIT)) {
                throw new IllegalArgumentException("no topic " + topic + " on " + config.streamsProperties().getProperty("bootstrap.servers")
                        + "; run creates it and publishes versions there");
            }
            return versions.newestUpToEnd(name, POLL).orElseThrow(() -> new IllegalArgumentException("no published version of model "
                    + name + " on topic " + topic + "; publish one with 'neurostream models publish " + name + "' while run trains it (run also "
                    + "publishes one every " + NeurostreamConfig.PUBLISH_INTERVAL.name() + " steps, "
                    + config.longValue(NeurostreamConfig.PUBLISH_INTERVAL) + " here)"));
        }
    }
}
