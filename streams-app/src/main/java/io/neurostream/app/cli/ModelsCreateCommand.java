// `neurostream models create SPEC.json [--init-from MODEL.onnx]`: publishes a model spec (and its initial weights) to the compacted models topic, keyed by its name.
package io.neurostream.app.cli;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.produce.ModelSpecPublisher;
import io.neurostream.app.produce.ModelsTopic;
import io.neurostream.app.state.InitPayloads;
import io.neurostream.app.versions.WeightsCodec;
import io.neurostream.core.net.Network;
import io.neurostream.core.onnx.OnnxException;
import io.neurostream.core.onnx.OnnxImport;
import io.neurostream.core.spec.ModelSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "create", mixinStandardHelpOptions = true,
        description = {"Validate a model spec and write it to the compacted models topic.",
                "The spec is checked as by 'models validate' (with the model limits of --config), then written as a ModelSpecRecord with key = the model name; "
                        + "running applications pick it up and samples keyed by that name train it. Writing a spec under an existing "
                        + "name replaces that model's spec. The neurostream topics are created when absent.",
                "With --init-from the model starts from the weights of an ONNX model instead of its seed's: they are checked against the spec "
                        + "first (nothing is written when they do not fit), then written with the spec in one transaction.",
                "With \"replicas\": R > 1 in the spec, R records keyed NAME#0 .. NAME#R-1 are written, each to the partition of its shard "
                        + "(see the README, \"One model on many partitions\"); the samples topic needs at least R partitions.",
                "Records an earlier spec of the model left under keys or in partitions the new one does not use (another source, another "
                        + "number of replicas) are tombstoned in the same transaction.",
                "Exit codes: 0 written, 1 Kafka failure, 2 invalid spec or setting."},
        footer = {"", "Examples:",
                "  neurostream models create my-mlp.json --bootstrap-servers 127.0.0.1:9092",
                "  neurostream models create mnist-mlp --name mnist-small \\",
                "      --bootstrap-servers 127.0.0.1:9092",
                "  neurostream models create lenet5 --source mnist-mlp --bootstrap-servers 127.0.0.1:9092",
                "  neurostream models create mnist-mlp --init-from mnist-mlp.onnx --name mnist-warm \\",
                "      --bootstrap-servers 127.0.0.1:9092"})
final class ModelsCreateCommand extends ClusterCommand {
    @Parameters(index = "0", paramLabel = "SPEC.json", description = "A spec file (or a preset's name).")
    String spec;

    @Option(names = "--name", paramLabel = "NAME", description = "The model's name, replacing the spec's \"name\" (default: the spec's).")
    String name;

    @Option(names = "--source", paramLabel = "STREAM",
            description = "The stream the model reads (samples keyed STREAM), replacing the spec's \"source\" (default: the spec's, else its name); "
                    + "the spec goes to that stream's partition.")
    String source;

    @Option(names = "--init-from", paramLabel = "MODEL.onnx",
            description = "Start the model from " + TrainCommand.ONNX_WEIGHTS)
    Path initFrom;

    @Override
    int run() throws InterruptedException {
        NeurostreamConfig config = kafka.load();
        ModelSpec parsed = SpecArgument.resolve(spec);
        if (name != null) {
            parsed = parsed.with(Map.of("name", name));
        }
        if (source != null) {
            parsed = parsed.with(Map.of("source", source));
        }
        Network net = SpecArgument.build(parsed, config.modelLimits());
        byte[] weights = initFrom == null ? null : initialWeights(net);
        kafka.probe(config, command);
        String topic = topics(config).models();
        String createdBy = "neurostream models create (" + System.getProperty("user.name") + ")";
        ModelSpecPublisher.Written written = weights == null ? ModelSpecPublisher.publish(config, parsed, createdBy)
                : ModelSpecPublisher.publishWithInitialWeights(config, parsed, createdBy, weights);
        PrintWriter out = out();
        if (!written.tombstones().isEmpty()) {
            out.printf("tombstoned %d old record(s) of model %s the new placement does not reuse: %s%n", written.tombstones().size(), parsed.name(),
                    written.tombstones().stream().map(ModelsTopic.KeyAt::toString).collect(Collectors.joining(", ")));
        }
        if (weights != null) {
            out.printf("initial weights from %s: %,d bytes in %d chunk(s) keyed %s/init/I%s%n", initFrom, weights.length,
                    InitPayloads.chunkCount(weights.length), parsed.replication().replicated() ? parsed.name() + "#s" : parsed.name(),
                    parsed.replication().replicated() ? ", once per replica" : "");
        }
        if (parsed.replication().replicated()) {
            String name = parsed.name();
            out.printf("model %s written to topic %s with %d replicas (sync every %d mini-batches): %s%n", name, topic,
                    parsed.replication().replicas(), parsed.replication().syncEvery(), IntStream.range(0, written.specs().size())
                            .mapToObj(s -> name + "#" + s + " in partition " + written.specs().get(s).partition()).collect(Collectors.joining(", ")));
        } else {
            RecordMetadata spec = written.first();
            out.printf("model %s written to topic %s (partition %d, offset %d)%s%n", parsed.name(), topic, spec.partition(), spec.offset(),
                    parsed.source().equals(parsed.name()) ? "" : "; it reads the samples keyed " + parsed.source());
        }
        return ExitCodes.OK;
    }

    /** The spec's network with the ONNX model's weights, encoded; weights that do not fit the spec are a one-line error. */
    private byte[] initialWeights(Network net) {
        OnnxImport imported = TrainCommand.readOnnx(initFrom);
        try {
            imported.loadInto(net);
        } catch (OnnxException e) {
            throw new IllegalArgumentException(initFrom + ": " + e.getMessage(), e);
        }
        return WeightsCodec.encode(net);
    }
}
