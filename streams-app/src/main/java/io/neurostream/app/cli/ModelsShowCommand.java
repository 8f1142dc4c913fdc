// `neurostream models show NAME`: a preset's JSON spec, to read or to copy as the start of a new one; with a cluster, the model's spec on the models topic and where its replicas live.
package io.neurostream.app.cli;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.produce.ModelsTopic;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"Print a preset's JSON spec as shipped.",
                "Save it, edit it (at least the name) and publish it with 'models create FILE': neurostream models show mnist-mlp > my-mlp.json",
                "With --bootstrap-servers (or --config): the model's current spec on the models topic (else the preset's), and on stderr one "
                        + "line with its replicas, sync_every and the spec keys with their partitions, e.g. "
                        + "'# model m: 2 replicas, sync every 10 mini-batches; on topic models: m#0@0, m#1@1'."})
final class ModelsShowCommand extends ClusterCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "A preset (see 'models list'), or with a cluster a model created with 'models create'.")
    String name;

    @Override
    int run() throws InterruptedException {
        PrintWriter out = out();
        if (kafka.bootstrapServers == null && kafka.config.configFile == null) {
            if (!Presets.exists(name)) {
                return ExitCodes.badInput(command, "no preset \"" + name + "\"; presets: " + String.join(", ", Presets.names()));
            }
            print(out, Presets.json(name));
            return ExitCodes.OK;
        }
        NeurostreamConfig config = connect();
        String topic = topics(config).models();
        ModelsTopic.Current current = ModelsTopic.read(config, name);
        Optional<ModelSpec> spec = current.spec();
        if (spec.isEmpty() && !Presets.exists(name)) {
            return ExitCodes.badInput(command, "no model " + name + " on topic " + topic + " and no preset of that name");
        }
        ModelSpec shown = spec.orElseGet(() -> Presets.load(name));
        print(out, shown.json());
        PrintWriter err = command.commandLine().getErr();
        ModelSpec.Replication replication = shown.replication();
        err.printf("# model %s: %d replica%s, sync every %d mini-batches; %s%n", name, replication.replicas(), replication.replicas() == 1 ? "" : "s",
                replication.syncEvery(), spec.isEmpty() ? "the preset (topic " + topic + " holds no spec of it)"
                        : "on topic " + topic + ": " + current.keys().stream().map(ModelsTopic.KeyAt::toString).collect(Collectors.joining(", ")));
        err.flush();
        return ExitCodes.OK;
    }

    private static void print(PrintWriter out, String json) {
        out.print(json.endsWith("\n") ? json : json + "\n");
        out.flush();
    }
}
