// Turns an exception escaping a command into one line on stderr and a non-zero exit code.
package io.neurostream.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Users see {@code neurostream train: <what is wrong>}, not a stack trace; set
 * {@code NEUROSTREAM_DEBUG=1} to get the trace as well. Exit code 2 for bad input (a bad flag value,
 * spec, file or setting: {@link ExitCodes#isBadInput}), as picocli uses for bad flags; 1 otherwise.
 */
final class OneLineErrors implements IExecutionExceptionHandler {
    static final int FAILURE = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + message);
        if (System.getenv("NEUROSTREAM_DEBUG") != null) {
            e.printStackTrace(command.getErr());
        }
        return ExitCodes.isBadInput(e) ? ExitCodes.BAD_INPUT : FAILURE;
    }
}
