// `neurostream models delete NAME`: tombstones every record of a model on the compacted models topic (its spec keys, every replica's, and their initial weights).
package io.neurostream.app.cli;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.produce.ModelSpecPublisher;
import io.neurostream.app.produce.ModelsTopic;
import io.neurostream.core.spec.ModelSpec;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Delete a model: tombstone every record of it on the compacted models topic, in one transaction.",
                "Its spec keys (NAME, or NAME#0 .. NAME#R-1 for a replicated model) and their initial-weight chunks, in every partition "
                        + "that holds one; running applications then delete the model (every replica of it), as "
                        + "for any tombstone on the models topic. Deleting a model the topic does "
                        + "not hold writes nothing.",
                "Exit codes: 0 deleted (or nothing to delete), 1 Kafka failure, 2 bad name or setting."},
        footer = {"", "Example:", "  neurostream models delete mnist-small --bootstrap-servers 127.0.0.1:9092"})
final class ModelsDeleteCommand extends ClusterCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The model's name.")
    String name;

    @Override
    int run() throws InterruptedException {
        if (!ModelSpec.isValidName(name)) {
            throw new IllegalArgumentException("\"" + name + "\" is not a model name (1-128 letters, digits, '.', '_' or '-' starting with a letter or digit)");
        }
        NeurostreamConfig config = connect();
        String topic = topics(config).models();
        List<ModelsTopic.KeyAt> tombstoned = ModelSpecPublisher.delete(config, name);
        PrintWriter out = out();
        if (tombstoned.isEmpty()) {
            out.printf("model %s: topic %s holds no record of it; nothing written%n", name, topic);
        } else {
            out.printf("model %s deleted: %d tombstone(s) written to topic %s: %s%n", name, tombstoned.size(), topic,
                    tombstoned.stream().map(ModelsTopic.KeyAt::toString).collect(Collectors.joining(", ")));
        }
        return ExitCodes.OK;
    }
}
