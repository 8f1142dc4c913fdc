// serve's bad flags and a missing broker end in one line with the project's exit codes, before anything is served.
package io.neurostream.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.runtime.BrokerProbeTest;
import org.junit.jupiter.api.Test;

class ServeCommandTest {
    private static void assertExit(int code, String firstLine, CommandRun run) {
        assertEquals(code, run.exitCode(), run.err());
        assertTrue(run.errLine().startsWith(firstLine), run.err());
        assertEquals(1, run.err().lines().count(), "one line: " + run.err());
    }

    @Test
    void shouldRefuseBadFlagsWithExit2() {
        assertExit(2, "neurostream serve: no Kafka cluster: give --bootstrap-servers", CommandRun.of("serve"));
        assertExit(2, "neurostream serve: --port must be 0-65535, got 70000", CommandRun.of("serve", "--bootstrap-servers", "127.0.0.1:1", "--port", "70000"));
        assertExit(2, "neurostream serve: --max-body-bytes must be >= 1024, got 10",
                CommandRun.of("serve", "--bootstrap-servers", "127.0.0.1:1", "--max-body-bytes", "10"));
        assertExit(2, "neurostream serve: --threads must be >= 1, got 0", CommandRun.of("serve", "--bootstrap-servers", "127.0.0.1:1", "--threads", "0"));
    }

    @Test
    void shouldSayInOneLineAndExit1WhenNoBrokerAnswers() throws Exception {
        String address = "127.0.0.1:" + BrokerProbeTest.closedPort();
        assertExit(1, "neurostream serve: no Kafka broker answers at " + address + " (", CommandRun.of("serve", "--bootstrap-servers", address));
    }

    @Test
    void shouldListServeAndBenchServeInTheHelp() {
        assertTrue(CommandRun.of("--help").out().contains("serve"));
        CommandRun help = CommandRun.of("bench", "serve", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("--swap-every"), help.out());
    }
}
