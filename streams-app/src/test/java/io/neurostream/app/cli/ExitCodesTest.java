// Exit codes as the README's table says: 2 for a bad flag, spec or setting, 1 when Kafka cannot be reached, in one line each.
package io.neurostream.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.runtime.BrokerProbeTest;
import org.junit.jupiter.api.Test;

class ExitCodesTest {
    private static void assertExit(int code, String firstLine, CommandRun run) {
        assertEquals(code, run.exitCode(), run.err());
        assertTrue(run.errLine().startsWith(firstLine), run.err());
        assertEquals(1, run.err().lines().count(), "one line: " + run.err());
    }

    @Test
    void shouldExitWith2ForABadFlagSpecOrSetting() {
        assertExit(2, "neurostream run: no Kafka cluster: give --bootstrap-servers", CommandRun.of("run"));
        assertExit(2, "neurostream train: nope: no such spec file, nor a preset", CommandRun.of("train", "--model", "nope"));
        assertExit(2, "neurostream run: unknown configuration key neurostream.nope",
                CommandRun.of("run", "--bootstrap-servers", "127.0.0.1:1", "--set", "neurostream.nope=1"));
        assertExit(2, "neurostream run: Unknown option: '--bogus'", CommandRun.of("run", "--bogus"));
        assertExit(2, "neurostream produce: Invalid value for option '--wait-for-broker'",
                CommandRun.of("produce", "--model", "xor", "--synthetic", "xor", "--bootstrap-servers", "127.0.0.1:1", "--wait-for-broker", "soon"));
    }

    @Test
    void shouldSayInOneLineAndExit1WhenNoBrokerAnswers() throws Exception {
        String address = "127.0.0.1:" + BrokerProbeTest.closedPort();
        String noBroker = "no Kafka broker answers at " + address + " (";

        assertExit(1, "neurostream run: " + noBroker, CommandRun.of("run", "--bootstrap-servers", address));
        assertExit(1, "neurostream produce: " + noBroker,
                CommandRun.of("produce", "--model", "xor", "--synthetic", "xor", "--bootstrap-servers", address));
        assertExit(1, "neurostream models create: " + noBroker, CommandRun.of("models", "create", "xor", "--bootstrap-servers", address));
        assertExit(1, "neurostream consume: " + noBroker, CommandRun.of("consume", "predictions", "--bootstrap-servers", address));
    }
}
