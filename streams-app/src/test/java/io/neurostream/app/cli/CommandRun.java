// Runs the neurostream command line in-process and captures its exit code, stdout and stderr.
package io.neurostream.app.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

record CommandRun(int exitCode, String out, String err) {
    static CommandRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CommandRun(code, out.toString(), err.toString());
    }

    /** The first line of stderr. */
    String errLine() {
        return err.lines().findFirst().orElse("");
    }
}
