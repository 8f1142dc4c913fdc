// `neurostream models validate SPEC.json`: parses a spec and builds its network, or says in one line what is wrong.
package io.neurostream.app.cli;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.ModelSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Parse a model spec, check it against the model limits and build its network (every layer must fit the shape before it).",
                "Prints OK and a layer summary, or one line naming the field and the bad value.",
                "Exit codes: 0 valid, 2 invalid (or no such file)."})
final class ModelsValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Parameters(index = "0", paramLabel = "SPEC.json", description = "A spec file (or a preset's name).")
    String spec;

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file with the limits run applies: "
            + "neurostream.model.max.parameters and neurostream.model.max.activation.bytes (default: their defaults).")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "One setting, repeatable; overrides the file.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        return ExitCodes.run(command, () -> {
            ModelSpec parsed = SpecArgument.resolve(spec);
            Network net = SpecArgument.build(parsed, NeurostreamConfig.load(configFile, settings).modelLimits());
            PrintWriter out = command.commandLine().getOut();
            out.printf("OK: %s, model %s (%,d trainable parameters)%n", spec, parsed.name(), net.params().trainableCount());
            SpecArgument.printSummary(net, out);
            out.flush();
            return ExitCodes.OK;
        });
    }
}
