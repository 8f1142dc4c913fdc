// Exit codes of the produce, models and broker commands, and the one-line report of bad input.
package io.neurostream.app.cli;

import io.neurostream.app.produce.SourceException;
import io.neurostream.core.data.DatasetException;
import io.neurostream.core.spec.SpecException;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * 0 done; 1 a failure on the way (Kafka unreachable, a send failed: see {@link OneLineErrors});
 * 2 bad input: a bad flag value, data file, model spec or setting (picocli uses 2 for unknown or
 * malformed flags too); 130 interrupted.
 */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILURE = OneLineErrors.FAILURE;
    static final int BAD_INPUT = CommandLine.ExitCode.USAGE;
    static final int INTERRUPTED = 130;

    private ExitCodes() {}

    /** Runs a command's body; bad input becomes {@code <command>: <what is wrong>} on stderr and exit code 2. */
    static int run(CommandSpec command, Callable<Integer> body) throws Exception {
        try {
            return body.call();
        } catch (SourceException | SpecException | DatasetException | ConfigException | IllegalArgumentException e) {
            return badInput(command, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            command.commandLine().getErr().println(command.qualifiedName() + ": interrupted");
            return INTERRUPTED;
        }
    }

    /** Whether an exception escaping a command means bad input (exit code 2) rather than a failure on the way (1). */
    static boolean isBadInput(Throwable e) {
        return e instanceof SourceException || e instanceof SpecException || e instanceof DatasetException || e instanceof ConfigException
                || e instanceof IllegalArgumentException;
    }

    /** Prints {@code <command>: <message>} on stderr and returns 2. */
    static int badInput(CommandSpec command, String message) {
        command.commandLine().getErr().println(command.qualifiedName() + ": " + message);
        command.commandLine().getErr().flush();
        return BAD_INPUT;
    }
}
