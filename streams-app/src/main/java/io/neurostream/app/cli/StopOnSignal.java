// Ctrl-C or SIGTERM during a command: ask its work to stop, then hold the JVM until the command has finished cleanly.
package io.neurostream.app.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A shutdown hook for the span of a try-with-resources block. On a signal it runs {@code onSignal}
 * and waits (at most {@code waitSeconds}) for {@link #close()}, so that the command can flush and
 * print its summary before the JVM ends; closed without a signal, it removes the hook.
 */
final class StopOnSignal implements AutoCloseable {
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean signalled;

    StopOnSignal(String threadName, long waitSeconds, Runnable onSignal) {
        this.hook = new Thread(() -> {
            signalled = true;
            onSignal.run();
            try {
                finished.await(waitSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, threadName);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Whether a signal has come. */
    boolean signalled() {
        return signalled;
    }

    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running; it returns now that the work is finished
        }
    }
}
