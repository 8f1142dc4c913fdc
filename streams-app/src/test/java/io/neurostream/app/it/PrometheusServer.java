// A real Prometheus (Debian's prometheus package) on loopback, scraping a test's app with copies of ops/prometheus files.
package io.neurostream.app.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurostream.app.ops.OpsFiles;
import io.neurostream.app.ops.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

final class PrometheusServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final int port;

    private PrometheusServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static Path binary() {
        return Tools.find("prometheus");
    }

    /**
     * Copies ops/prometheus/prometheus.yml with the target rewritten to {@code target}, scrape and
     * evaluation every second, and ops/prometheus/alerts.yml with every {@code for:} set to 0s; starts
     * Prometheus on a free loopback port and waits until it is ready.
     */
    static PrometheusServer start(Path dir, String target, Path log) throws IOException, InterruptedException {
        Path ops = OpsFiles.ops().resolve("prometheus");
        String config = Files.readString(ops.resolve("prometheus.yml"))
                .replace("\"localhost:9464\"", "\"" + target + "\"")
                .replaceAll("scrape_interval: \\S+", "scrape_interval: 1s")
                .replaceAll("evaluation_interval: \\S+", "evaluation_interval: 1s");
        if (!config.contains(target)) {
            throw new IllegalStateException("ops/prometheus/prometheus.yml no longer targets localhost:9464");
        }
        Files.writeString(dir.resolve("prometheus.yml"), config);
        Files.writeString(dir.resolve("alerts.yml"), Files.readString(ops.resolve("alerts.yml")).replaceAll("for: \\S+", "for: 0s"));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(binary().toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(process, port);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                if (LiveApp.get(server.url("/-/ready")).statusCode() == 200) {
                    return server;
                }
            } catch (UncheckedIOException notYet) {
                // not listening yet
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                server.close();
                throw new IllegalStateException("prometheus did not become ready; its log: " + log + "\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** GET /api/v1/query; the whole answer (status, data.result or error). */
    JsonNode query(String promql) {
        return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    JsonNode alerts() {
        return get("/api/v1/alerts");
    }

    JsonNode get(String path) {
        String body = LiveApp.get(url(path)).body();
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": not JSON: " + body, e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
