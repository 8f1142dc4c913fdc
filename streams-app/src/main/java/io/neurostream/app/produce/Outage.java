// Says, one line at a time, when the broker stops acknowledging the samples `produce` sent, and when it answers again.
package io.neurostream.app.produce;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The Kafka producer keeps retrying on its own (up to {@code delivery.timeout.ms}, which
 * {@code --retry-for} sets); this only makes the wait visible. {@link #check()} runs once a second:
 * when samples are waiting and none has been acknowledged for {@value #QUIET_SECONDS} s it prints a
 * line, then one every {@value #REPEAT_SECONDS} s while that lasts, and one when acknowledgements resume.
 */
public final class Outage implements AutoCloseable {
    static final long QUIET_SECONDS = 5;
    static final long REPEAT_SECONDS = 15;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final PrintWriter err;
    private final String prefix;
    private final String bootstrap;
    private final Duration retryFor;
    private final LongSupplier sent;
    private final LongSupplier acknowledged;
    private final LongSupplier nanoTime;
    private ScheduledExecutorService timer;
    private long lastAcknowledged;
    private long lastProgressNanos;
    private long lastToldNanos;
    private boolean waiting;

    /**
     * @param prefix       starts every line, e.g. "neurostream produce: "
     * @param sent         samples handed to the producer so far
     * @param acknowledged samples the broker acknowledged so far
     */
    public Outage(PrintWriter err, String prefix, String bootstrap, Duration retryFor, LongSupplier sent, LongSupplier acknowledged,
                  LongSupplier nanoTime) {
        this.err = err;
        this.prefix = prefix;
        this.bootstrap = bootstrap;
        this.retryFor = retryFor;
        this.sent = sent;
        this.acknowledged = acknowledged;
        this.nanoTime = nanoTime;
        this.lastProgressNanos = nanoTime.getAsLong();
    }

    /** Checks once a second on a daemon thread until closed. */
    public Outage start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "neurostream-produce-outage");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::check, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    /** One look at the counters; prints a line when the broker went quiet, is still quiet, or answers again. */
    synchronized void check() {
        long now = nanoTime.getAsLong();
        long acked = acknowledged.getAsLong();
        long pending = sent.getAsLong() - acked;
        if (acked != lastAcknowledged || pending == 0) {
            answeredAgain(now, acked);
            waiting = false;
            lastAcknowledged = acked;
            lastProgressNanos = now;
            return;
        }
        long quietSeconds = (now - lastProgressNanos) / NANOS_PER_SECOND;
        if (!waiting && quietSeconds >= QUIET_SECONDS || waiting && (now - lastToldNanos) / NANOS_PER_SECOND >= REPEAT_SECONDS) {
            print(String.format("no acknowledgement from the broker at %s for %d s, %,d samples waiting; retrying for up to %s (--retry-for)",
                    bootstrap, quietSeconds, pending, human(retryFor)));
            waiting = true;
            lastToldNanos = now;
        }
    }

    /** Says that the broker answers again when it was said to be quiet and acknowledgements came since. */
    private void answeredAgain(long now, long acked) {
        if (waiting && acked != lastAcknowledged) {
            print(String.format("the broker at %s answers again after %d s without acknowledgements; continuing", bootstrap,
                    (now - lastProgressNanos) / NANOS_PER_SECOND));
        }
    }

    private void print(String line) {
        err.println(prefix + line);
        err.flush();
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        return s % 60 == 0 && s > 0 ? s / 60 + " min" : s + " s";
    }

    /**
     * Stops checking. When the broker was said to be quiet and has acknowledged samples since the last check (a broker that
     * comes back can take the rest within a second, before the next check), says that it answers again.
     */
    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
        answeredAgain(nanoTime.getAsLong(), acknowledged.getAsLong());
        waiting = false;
    }
}
