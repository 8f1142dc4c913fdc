// `neurostream models show NAME`: a preset's JSON spec, to read or to copy as the start of a new one.
package io.neurostream.app.cli;

import io.neurostream.core.spec.Presets;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"Print a preset's JSON spec as shipped.",
                "Save it, edit it (at least the name) and publish it with 'models create FILE': neurostream models show mnist-mlp > my-mlp.json"})
final class ModelsShowCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Parameters(index = "0", paramLabel = "NAME", description = "A preset (see 'models list').")
    String name;

    @Override
    public Integer call() throws Exception {
        if (!Presets.exists(name)) {
            return ExitCodes.badInput(command, "no preset \"" + name + "\"; presets: " + String.join(", ", Presets.names()));
        }
        PrintWriter out = command.commandLine().getOut();
        String json = Presets.json(name);
        out.print(json.endsWith("\n") ? json : json + "\n");
        out.flush();
        return ExitCodes.OK;
    }
}
