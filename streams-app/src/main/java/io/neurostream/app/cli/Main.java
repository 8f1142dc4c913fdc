// The neurostream command line: one executable jar, one picocli subcommand per job.
package io.neurostream.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar neurostream.jar <command> [options]}; {@code --help} on any command lists its options. */
@Command(name = "neurostream",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Online training of neural networks inside Kafka Streams.",
        subcommands = {DemoCommand.class, RunCommand.class, ServeCommand.class, TrainCommand.class, BenchCommand.class, ProduceCommand.class, ConsumeCommand.class, ModelsCommand.class, SchemasCommand.class,
                BrokerCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (also used by tests). */
    public static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler(new OneLineErrors())
                .setParameterExceptionHandler(Main::badFlag)
                .setUsageHelpAutoWidth(true);
    }

    /** A flag picocli cannot parse: one line naming it, and where to read the usage; exit code 2. */
    private static int badFlag(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        String name = command.getCommandSpec().qualifiedName();
        command.getErr().println(name + ": " + e.getMessage() + " (see '" + name + " --help')");
        command.getErr().flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }
}
