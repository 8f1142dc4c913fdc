// `run` refuses, in one line and before it connects, settings under which an output record could not be sent.
package io.neurostream.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RunCommandTest {
    @Test
    void shouldRefuseARecordLimitAboveWhatTheProducerSends() {
        CommandRun run = CommandRun.of("run", "--bootstrap-servers", "127.0.0.1:1", "--set", "neurostream.record.max.bytes=4194304",
                "--set", "neurostream.http.port=-1");
        assertEquals(2, run.exitCode(), run.err()); // a setting the app cannot honour is bad input
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.errLine().startsWith("neurostream run: neurostream.record.max.bytes is 4194304: a dead letter keeping such a value"),
                run.err());
    }
}
