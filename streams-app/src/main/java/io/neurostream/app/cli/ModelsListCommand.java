// `neurostream models list`: the preset models with their parameter counts and descriptions.
package io.neurostream.app.cli;

import io.neurostream.core.spec.ModelFootprint;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List the preset models: name, trainable parameters, description.",
                "A sample keyed by a preset's name trains that preset unless the models topic has a spec of that name."})
final class ModelsListCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws Exception {
        return ExitCodes.run(command, () -> {
            PrintWriter out = command.commandLine().getOut();
            int width = Presets.names().stream().mapToInt(String::length).max().orElse(0);
            out.printf("%-" + width + "s  %10s  %s%n", "NAME", "PARAMETERS", "DESCRIPTION");
            for (String name : Presets.names()) {
                ModelSpec spec = Presets.load(name);
                out.printf("%-" + width + "s  %,10d  %s%n", name, ModelFootprint.of(spec).trainable(), spec.description());
            }
            out.flush();
            return ExitCodes.OK;
        });
    }
}
