// `neurostream models create SPEC.json`: publishes a model spec to the compacted models topic, keyed by its name.
package io.neurostream.app.cli;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.produce.ModelSpecPublisher;
import io.neurostream.app.topology.Topics;
import io.neurostream.core.spec.ModelSpec;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "create", mixinStandardHelpOptions = true,
        description = {"Validate a model spec and write it to the compacted models topic.",
                "The spec is checked as by 'models validate' (with the model limits of --config), then written as a ModelSpecRecord with key = the model name; "
                        + "running applications pick it up and samples keyed by that name train it. Writing a spec under an existing "
                        + "name replaces that model's spec. The neurostream topics are created when absent.",
                "Exit codes: 0 written, 1 Kafka failure, 2 invalid spec or setting."},
        footer = {"", "Examples:",
                "  neurostream models create my-mlp.json --bootstrap-servers 127.0.0.1:9092",
                "  neurostream models create mnist-mlp --name mnist-small \\",
                "      --bootstrap-servers 127.0.0.1:9092"})
final class ModelsCreateCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Parameters(index = "0", paramLabel = "SPEC.json", description = "A spec file (or a preset's name).")
    String spec;

    @Option(names = "--name", paramLabel = "NAME", description = "The model's name, replacing the spec's \"name\" (default: the spec's).")
    String name;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
        return ExitCodes.run(command, this::create);
    }

    private int create() throws InterruptedException {
        NeurostreamConfig config = kafka.load();
        ModelSpec parsed = SpecArgument.resolve(spec);
        if (name != null) {
            parsed = parsed.with(Map.of("name", name));
        }
        SpecArgument.build(parsed, config.modelLimits());
        kafka.probe(config, command);
        String topic = new Topics(config.string(NeurostreamConfig.TOPIC_PREFIX)).models();
        RecordMetadata written = ModelSpecPublisher.publish(config, parsed, "neurostream models create (" + System.getProperty("user.name") + ")");
        PrintWriter out = command.commandLine().getOut();
        out.printf("model %s written to topic %s (partition %d, offset %d)%n", parsed.name(), topic, written.partition(), written.offset());
        out.flush();
        return ExitCodes.OK;
    }
}
