// Holds a producer to a given rate: sample k is sent no earlier than k / rate seconds after the first.
package io.neurostream.app.produce;

/**
 * Paces against the start time rather than the previous send, so a slow send is made up for by
 * the next ones and the average rate stays the one asked for. A rate of 0 means as fast as possible.
 */
public final class Pacer {
    /** Time and sleep, replaceable in tests. */
    public interface Clock {
        long nanoTime();

        void sleepNanos(long nanos) throws InterruptedException;
    }

    /** The real clock. */
    public static final Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepNanos(long nanos) throws InterruptedException {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        }
    };

    private static final double NANOS_PER_SECOND = 1e9;

    private final double perSecond;
    private final Clock clock;
    private long startNanos;
    private boolean started;

    /** {@code perSecond} samples per second, or 0 for no limit. */
    public Pacer(double perSecond, Clock clock) {
        if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("rate must be a finite number >= 0, got " + perSecond);
        }
        this.perSecond = perSecond;
        this.clock = clock;
    }

    public static Pacer unlimited() {
        return new Pacer(0, SYSTEM);
    }

    /** Waits until sample {@code k} (counting from 0) is due; the first call starts the clock. */
    public void awaitTurn(long k) throws InterruptedException {
        if (!started) {
            startNanos = clock.nanoTime();
            started = true;
        }
        if (perSecond == 0) {
            return;
        }
        long due = startNanos + (long) (k * NANOS_PER_SECOND / perSecond);
        long wait = due - clock.nanoTime();
        if (wait > 0) {
            clock.sleepNanos(wait);
        }
    }
}
