// The uncaught-exception policy: replace a failed stream thread up to three times in ten minutes, then shut the client down.
package io.neurostream.app.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ThreadFailurePolicyTest {
    private static final RuntimeException BUG = new IllegalStateException("a bug");

    @Test
    void shouldReplaceThreeTimesInTenMinutesThenShutDown() {
        AtomicLong now = new AtomicLong(0);
        ThreadFailurePolicy policy = new ThreadFailurePolicy(now::get);
        for (int i = 0; i < 3; i++) {
            now.addAndGet(60_000);
            assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, policy.handle(BUG), "failure " + (i + 1));
        }
        now.addAndGet(60_000);
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, policy.handle(BUG), "a fourth failure within 10 minutes");
    }

    @Test
    void shouldForgetFailuresOlderThanTenMinutes() {
        AtomicLong now = new AtomicLong(0);
        ThreadFailurePolicy policy = new ThreadFailurePolicy(now::get);
        for (int i = 0; i < 3; i++) {
            assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, policy.handle(BUG));
        }
        now.set(10 * 60_000);
        for (int i = 0; i < 3; i++) {
            assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, policy.handle(BUG), "the first three are out of the window");
        }
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, policy.handle(BUG));
    }
}
