// Every command's --help renders completely: no picocli warnings (an unescaped % in a description), and the texts newcomers read are right.
package io.neurostream.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HelpTextTest {

    /** Every command and subcommand, depth first. */
    private static List<CommandLine> all(CommandLine command) {
        List<CommandLine> found = new ArrayList<>(List.of(command));
        command.getSubcommands().values().forEach(sub -> found.addAll(all(sub)));
        return found;
    }

    @Test
    void shouldRenderEveryCommandsHelpWithoutPicocliWarnings() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<String> names = new ArrayList<>();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            for (CommandLine command : all(Main.commandLine())) {
                command.getUsageMessage();
                names.add(command.getCommandSpec().qualifiedName());
            }
        } finally {
            System.setErr(stderr);
        }
        assertTrue(names.contains("neurostream train"), "walked the commands: " + names);
        assertEquals("", captured.toString(StandardCharsets.UTF_8), "picocli warnings while rendering --help (escape % as %%)");
    }

    @Test
    void shouldPrintTrainsHeldOutShareWithPercentSigns() {
        CommandRun run = CommandRun.of("train", "--help");

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().replaceAll("\\s+", " ").contains("90% train, 10% held out"), run.out());
    }
}
