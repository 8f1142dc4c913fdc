// The same network trained by PyTorch on the CPU, for `bench model --compare pytorch`: a Python process driven round by round.
package io.neurostream.app.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the script {@code pytorch_baseline.py} (shipped as a resource, written to a temporary file)
 * with {@code python3}: it builds the spec's network in PyTorch (float32, the same batch,
 * optimizer, loss and input shapes, random inputs), warms up, and then trains one timed round
 * per {@link #round} call, so that its rounds interleave with neurostream's on a shared machine.
 * Without python3 or its torch module, or for a layer it does not translate, {@link #start} throws
 * an {@link IllegalArgumentException} of one line (saying how to install torch where that is missing).
 */
public final class PytorchBaseline implements AutoCloseable {
    static final String INSTALL_HINT = "install it with: pip install torch";

    /** One round: samples per wall-clock second and per CPU second of the Python process. */
    public record Rate(double perSecond, double perCpuSecond) {}

    private final Process process;
    private final Path dir; // the script, the spec and the script's stderr
    private final BufferedReader out;
    private final PrintWriter in;
    private final String version;

    private PytorchBaseline(Process process, Path dir, BufferedReader out, PrintWriter in, String version) {
        this.process = process;
        this.dir = dir;
        this.out = out;
        this.in = in;
        this.version = version;
    }

    /**
     * Starts the script on {@code specJson} and returns once its warm-up is done.
     *
     * @param python the interpreter, "python3" unless a test names another
     */
    public static PytorchBaseline start(String python, String specJson, int batch, int threads, double warmupSeconds) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("neurostream-pytorch");
            Path script = dir.resolve("pytorch_baseline.py");
            try (InputStream s = PytorchBaseline.class.getResourceAsStream("pytorch_baseline.py")) {
                Files.copy(s, script);
            }
            Files.writeString(dir.resolve("spec.json"), specJson);
            Process process;
            try {
                process = new ProcessBuilder(List.of(python, script.toString(), dir.resolve("spec.json").toString(),
                        Integer.toString(batch), Integer.toString(threads), Double.toString(warmupSeconds)))
                        .redirectError(dir.resolve("stderr.txt").toFile())
                        .start();
            } catch (IOException e) {
                throw new IllegalArgumentException("--compare pytorch: cannot run " + python + " (" + e.getMessage() + "); install Python 3 and then " + INSTALL_HINT);
            }
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            PrintWriter in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            PytorchBaseline baseline = new PytorchBaseline(process, dir, out, in, null);
            String ready;
            try {
                ready = baseline.readLine("ready");
            } catch (RuntimeException e) {
                baseline.close();
                throw e;
            }
            return new PytorchBaseline(process, dir, out, in, ready.split(" ")[1]);
        } catch (IOException e) {
            throw new UncheckedIOException("--compare pytorch: " + e.getMessage(), e);
        }
    }

    /** torch.__version__ of the baseline. */
    public String version() {
        return version;
    }

    /** Trains for about {@code seconds} and returns the round's rates. */
    public Rate round(double seconds) {
        in.println("round " + seconds);
        String[] words = readLine("rate").split(" ");
        return new Rate(Double.parseDouble(words[1]), Double.parseDouble(words[2]));
    }

    /** The next line of the script, which must start with {@code word}; else the script's one-line error. */
    private String readLine(String word) {
        try {
            String line = out.readLine();
            if (line != null && line.startsWith(word + " ")) {
                return line;
            }
            process.waitFor(10, TimeUnit.SECONDS);
            String err = Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8).strip();
            String last = err.isEmpty() ? "python exited with " + (process.isAlive() ? "no answer" : "code " + process.exitValue())
                    : err.substring(err.lastIndexOf('\n') + 1);
            throw new IllegalArgumentException("--compare pytorch: " + last.replaceFirst("^pytorch baseline: ", ""));
        } catch (IOException e) {
            throw new UncheckedIOException("--compare pytorch: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("--compare pytorch: interrupted", e);
        }
    }

    @Override
    public void close() {
        in.close();
        try {
            if (!process.waitFor(process.isAlive() ? 10 : 0, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
