// What Kafka Streams does when an exception escapes a stream thread: replace the thread a few times, then stop the client.
package io.neurostream.app.runtime;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No input record or spec makes the processor throw (they are dead-lettered or quarantine their
 * model), so what reaches this handler is a bug or a failure of the machine or of Kafka. A
 * passing failure is survived: the thread is replaced (its tasks restart from the last commit,
 * bit-identical), up to {@value #MAX_REPLACEMENTS} times in {@link #WINDOW}. One more failure in that
 * window means it does not pass: the client shuts down (state ERROR; {@code run} exits 1) instead
 * of looping, and another instance or a restart takes over.
 */
final class ThreadFailurePolicy implements StreamsUncaughtExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadFailurePolicy.class);
    static final int MAX_REPLACEMENTS = 3;
    static final Duration WINDOW = Duration.ofMinutes(10);

    private final LongSupplier clockMillis;
    private final Deque<Long> replacements = new ArrayDeque<>();

    ThreadFailurePolicy(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable exception) {
        long now = clockMillis.getAsLong();
        while (!replacements.isEmpty() && now - replacements.peekFirst() >= WINDOW.toMillis()) {
            replacements.removeFirst();
        }
        if (replacements.size() < MAX_REPLACEMENTS) {
            replacements.addLast(now);
            LOG.error("a stream thread failed; replacing it ({} of {} replacements in {} minutes)", replacements.size(), MAX_REPLACEMENTS,
                    WINDOW.toMinutes(), exception);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        LOG.error("a stream thread failed for the {}th time in {} minutes; shutting this instance down", MAX_REPLACEMENTS + 1,
                WINDOW.toMinutes(), exception);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
}
