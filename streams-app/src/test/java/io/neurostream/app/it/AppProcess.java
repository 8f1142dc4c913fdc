// `neurostream run` in a child JVM, so a test can kill it with SIGKILL and start it again.
package io.neurostream.app.it;

import io.neurostream.app.cli.Main;
import io.neurostream.core.tensor.Gemm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs with the test's class path; its output goes to a log file per start (kept under target/). */
final class AppProcess {
    /** A JVM stopped by SIGTERM exits with 128 + 15, even when its shutdown hooks complete. */
    static final int EXIT_ON_SIGTERM = 143;

    private final Process process;
    private final Path log;

    private AppProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static AppProcess start(String bootstrap, Map<String, String> settings, Path log) throws IOException {
        List<String> command = java(Main.class.getName(), "run", "--bootstrap-servers", bootstrap);
        settings.forEach((k, v) -> command.add("--set=" + k + "=" + v));
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new AppProcess(p, log);
    }

    /**
     * The command line of a child JVM that runs {@code main} with this JVM's class path, heap limit 1 GiB, and the
     * Vector API if this JVM has it: float32 recurrent layers compute with other kernels without it, and a child
     * must train the bits its parent compares with.
     */
    static List<String> java(String main, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
        if (Gemm.VECTOR) {
            command.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main));
        command.addAll(List.of(args));
        return command;
    }

    /** SIGKILL: no shutdown hook, no commit, no clean close. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the shutdown hook closes Kafka Streams cleanly. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("neurostream did not stop within 90 s after SIGTERM; log: " + log);
        }
        return process.exitValue();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until the log shows Kafka Streams RUNNING (the task restored and processing). */
    void awaitRunning(long timeoutSeconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("neurostream exited with " + process.exitValue() + "; log: " + log + "\n" + Files.readString(log));
            }
            if (Files.exists(log) && log().contains("-> RUNNING")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("neurostream not RUNNING after " + timeoutSeconds + " s; log: " + log);
    }
}
