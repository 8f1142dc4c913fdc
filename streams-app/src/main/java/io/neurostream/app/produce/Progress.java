// The producer's progress line on stderr: count, rate, ETA; redrawn in place on a terminal, a plain line every few seconds otherwise.
package io.neurostream.app.produce;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * On a terminal the line is rewritten with a carriage return about five times a second; when
 * stderr goes to a file or a pipe (logs, CI) a new line is written every {@value #PLAIN_INTERVAL_SECONDS} seconds.
 */
public final class Progress {
    static final long TERMINAL_INTERVAL_NANOS = 200_000_000L;
    static final long PLAIN_INTERVAL_SECONDS = 5;
    private static final long PLAIN_INTERVAL_NANOS = PLAIN_INTERVAL_SECONDS * 1_000_000_000L;
    private static final double NANOS_PER_SECOND = 1e9;

    private final PrintWriter err;
    private final boolean terminal;
    private final long total;
    private final LongSupplier nanoTime;
    private final String prefix;
    private long startNanos;
    private long lastPrintNanos;
    private int lastWidth;
    private long lastDone = -1;

    /**
     * @param prefix   starts every line, e.g. "neurostream produce: "
     * @param terminal whether err is a terminal (carriage-return updates)
     * @param total    samples to send
     */
    public Progress(PrintWriter err, String prefix, boolean terminal, long total, LongSupplier nanoTime) {
        this.err = err;
        this.prefix = prefix;
        this.terminal = terminal;
        this.total = total;
        this.nanoTime = nanoTime;
    }

    /** Whether this JVM's console is a terminal (Java 17: stdin and stdout both are). */
    public static boolean isTerminal() {
        return System.console() != null;
    }

    public void start() {
        startNanos = nanoTime.getAsLong();
        lastPrintNanos = startNanos;
    }

    /** Called after each sample; prints when the interval has passed. */
    public void update(long done) {
        long now = nanoTime.getAsLong();
        if (now - lastPrintNanos < (terminal ? TERMINAL_INTERVAL_NANOS : PLAIN_INTERVAL_NANOS)) {
            return;
        }
        lastPrintNanos = now;
        lastDone = done;
        print(line(done, total, (now - startNanos) / NANOS_PER_SECOND));
    }

    /**
     * Ends the progress display; on a terminal the last line is completed with a newline, after
     * being redrawn with the final count unless it shows that count already.
     */
    public void finish(long done) {
        if (terminal && lastWidth > 0) {
            if (done != lastDone) {
                print(line(done, total, (nanoTime.getAsLong() - startNanos) / NANOS_PER_SECOND));
            }
            err.println();
            err.flush();
        }
    }

    private void print(String text) {
        if (terminal) {
            String full = prefix + text;
            int pad = Math.max(0, lastWidth - full.length());
            err.print("\r" + full + " ".repeat(pad));
            lastWidth = full.length();
        } else {
            err.println(prefix + text);
        }
        err.flush();
    }

    /** E.g. {@code 1,200/60,000 samples (2%), 400 samples/s, ETA 2:27}. */
    static String line(long done, long total, double seconds) {
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = rate > 0 ? duration((long) Math.ceil((total - done) / rate)) : "--:--";
        return String.format("%,d/%,d samples (%d%%), %,.0f samples/s, ETA %s", done, total, total == 0 ? 100 : done * 100 / total,
                rate, eta);
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
    static String duration(long seconds) {
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return h > 0 ? String.format("%d:%02d:%02d", h, m, s) : String.format("%d:%02d", m, s);
    }
}
