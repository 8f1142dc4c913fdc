// Runs the client recipes of ops/clients/ (node, python3) as processes, for the tests that check them for real.
package io.neurostream.app.it;

import io.neurostream.app.ops.OpsFiles;
import io.neurostream.app.ops.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

final class ClientRecipes {
    /** What a finished process printed. */
    record Result(int exitCode, String out, String err) {}

    private ClientRecipes() {}

    static Path folder(String language) {
        return OpsFiles.root().resolve("ops").resolve("clients").resolve(language);
    }

    /** Why the tool is missing ("" when present): the tests skip then, saying that ops/scripts/install-test-tools installs it. */
    static String missing(String tool) {
        return Tools.find(tool) == null ? tool + " is not on the PATH (ops/scripts/install-test-tools installs it)" : "";
    }

    /** Runs {@code command} in {@code dir} with {@code input} on stdin; fails when it runs past {@code timeout}. */
    static Result run(Path dir, List<String> command, String input, Duration timeout) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        try (var stdin = process.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " ran past " + timeout + "; stderr: " + err.getNow(""));
        }
        return new Result(process.exitValue(), out.join(), err.join());
    }

    /** {@code npm ci} in the Node recipe's folder unless its packages (kafkajs, avsc from the npm registry) are installed. */
    static void installNodePackages() throws IOException, InterruptedException {
        Path node = folder("node");
        if (Files.isDirectory(node.resolve("node_modules").resolve("kafkajs")) && Files.isDirectory(node.resolve("node_modules").resolve("avsc"))) {
            return;
        }
        Result npm = run(node, List.of("npm", "ci", "--no-audit", "--no-fund"), "", Duration.ofMinutes(5));
        if (npm.exitCode() != 0) {
            throw new AssertionError("npm ci in " + node + " failed: " + npm.err());
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
