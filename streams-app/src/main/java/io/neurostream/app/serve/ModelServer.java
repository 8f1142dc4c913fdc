// The HTTP face of `serve`: TensorFlow Serving's REST predict and status endpoints, /metrics and /health.
package io.neurostream.app.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.app.metrics.MetricsServer;
import io.neurostream.app.training.ModelShape;
import io.neurostream.app.versions.PublishedModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A JDK {@link HttpServer} (HTTP/1.1 keep-alive) with {@value MetricsServer#WORKERS} request
 * threads and the same request and response timeouts as the metrics server
 * ({@code sun.net.httpserver.maxReqTime}/{@code maxRspTime}, {@value MetricsServer#REQUEST_SECONDS} s
 * and {@value MetricsServer#RESPONSE_SECONDS} s unless set), and TCP_NODELAY on its sockets
 * ({@code sun.net.httpserver.nodelay}). Predictions run on at most
 * {@code inferenceSlots} threads at once (by default one per processor): more would only
 * contend for the cores and hold more network copies; a request waits at most
 * {@value #SLOT_WAIT_SECONDS} s for a slot, else 503.
 * <ul>
 * <li>{@code POST /v1/models/NAME:predict} {@code {"instances": [...]}} → {@code {"predictions": [...], "model_version": N}}
 * <li>{@code GET /v1/models/NAME} → version, step, spec, published at, checksum (and TF Serving's model_version_status)
 * <li>{@code GET /v1/models} → every model served
 * <li>{@code GET /metrics} (Prometheus), {@code GET /health} (200 once the versions published so far are loaded)
 * </ul>
 * Errors are one line of JSON, {@code {"error": "..."}}, naming the field: 400 for a bad body
 * (not JSON, wrong shape, not a number, larger than the limit), 404 for an unknown model or path,
 * 405 for another method.
 */
public final class ModelServer implements AutoCloseable {
    static final int SLOT_WAIT_SECONDS = 10;
    /** A body over the limit is read and dropped up to this size, so the client gets its 400; a larger one is refused unread. */
    private static final long DRAIN_BYTES = 64L * 1024 * 1024;
    private static final String PREFIX = "/v1/models";
    private static final String PREDICT = ":predict";
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // nodelay: the JDK server writes the headers and the body apart, and with Nagle's algorithm on, the body then waits
        // for the client's delayed ACK: 40 ms per request on a keep-alive connection
        for (String[] p : new String[][] {{"sun.net.httpserver.maxReqTime", String.valueOf(MetricsServer.REQUEST_SECONDS)},
                {"sun.net.httpserver.maxRspTime", String.valueOf(MetricsServer.RESPONSE_SECONDS)}, {"sun.net.httpserver.nodelay", "true"}}) {
            if (System.getProperty(p[0]) == null) {
                System.setProperty(p[0], p[1]);
            }
        }
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(100).build());
    }

    private final HttpServer server;
    private final ExecutorService workers;
    private final ModelRegistry models;
    private final ServeMetrics metrics;
    private final PrometheusMeterRegistry prometheus;
    private final Supplier<String> notReady;
    private final int maxBodyBytes;
    private final Semaphore slots;

    private ModelServer(HttpServer server, ExecutorService workers, ModelRegistry models, ServeMetrics metrics, PrometheusMeterRegistry prometheus,
                        Supplier<String> notReady, int maxBodyBytes, int inferenceSlots) {
        this.server = server;
        this.workers = workers;
        this.models = models;
        this.metrics = metrics;
        this.prometheus = prometheus;
        this.notReady = notReady;
        this.maxBodyBytes = maxBodyBytes;
        this.slots = new Semaphore(inferenceSlots);
    }

    /**
     * Binds host:port (0 picks a free port) and starts serving.
     *
     * @param notReady why the server is not ready (null when it is), read on every /health
     */
    public static ModelServer start(String host, int port, ModelRegistry models, ServeMetrics metrics, PrometheusMeterRegistry prometheus,
                                    Supplier<String> notReady, int maxBodyBytes, int inferenceSlots) {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(host, port), 1024);
        } catch (BindException e) {
            throw new IllegalStateException("cannot serve on " + host + ":" + port + ": " + e.getMessage() + " (choose another --port, 0 for any)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        ExecutorService workers = Executors.newFixedThreadPool(MetricsServer.WORKERS, r -> {
            Thread t = new Thread(r, "neurostream-serve");
            t.setDaemon(true);
            return t;
        });
        ModelServer server = new ModelServer(http, workers, models, metrics, prometheus, notReady, maxBodyBytes, inferenceSlots);
        http.createContext("/", server::handle);
        http.setExecutor(workers);
        http.start();
        return server;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) {
        long start = System.nanoTime();
        String model = ServeMetrics.UNKNOWN_MODEL;
        int status;
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            try {
                if (path.startsWith(PREFIX + "/") && path.endsWith(PREDICT)) {
                    String name = path.substring(PREFIX.length() + 1, path.length() - PREDICT.length());
                    ServedModel served = served(name);
                    model = served.name();
                    allow(method, "POST");
                    status = send(exchange, 200, predict(served, body(exchange)));
                } else if (path.startsWith(PREFIX + "/")) {
                    ServedModel served = served(path.substring(PREFIX.length() + 1));
                    model = served.name();
                    allow(method, "GET");
                    status = send(exchange, 200, JSON.writeValueAsString(describe(served)));
                } else if (path.equals(PREFIX)) {
                    allow(method, "GET");
                    ArrayNode list = JSON.createArrayNode();
                    models.all().stream().sorted(Comparator.comparing(ServedModel::name)).forEach(m -> list.add(describe(m)));
                    status = send(exchange, 200, JSON.writeValueAsString(JSON.createObjectNode().set("models", list)));
                } else if (path.equals("/metrics")) {
                    allow(method, "GET");
                    status = send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", prometheus.scrape());
                } else if (path.equals("/health")) {
                    allow(method, "GET");
                    String why = notReady.get();
                    ObjectNode health = JSON.createObjectNode().put("status", why == null ? "UP" : "DOWN");
                    if (why != null) {
                        health.put("reason", why);
                    }
                    ObjectNode versions = health.putObject("models");
                    models.all().forEach(m -> versions.put(m.name(), m.version()));
                    status = send(exchange, why == null ? 200 : 503, JSON.writeValueAsString(health));
                } else {
                    throw new BadRequest(404, "no such endpoint (try POST /v1/models/NAME:predict, GET /v1/models, /metrics, /health)");
                }
            } catch (BadRequest e) {
                status = send(exchange, e.status, JSON.writeValueAsString(JSON.createObjectNode().put("error", e.getMessage())));
            }
        } catch (IOException e) {
            status = 499; // the client went away mid-answer
        } catch (RuntimeException e) {
            status = 500;
        }
        metrics.request(model, status, System.nanoTime() - start);
    }

    private ServedModel served(String name) throws BadRequest {
        ServedModel served = models.get(name);
        if (served == null) {
            boolean listed = !models.only().isEmpty() && !models.wants(name);
            throw new BadRequest(404, listed ? "model " + abbreviated(name) + " is not served here (serve --models " + String.join(",", models.only()) + ")"
                    : "no model named " + abbreviated(name) + " has been published to model-versions");
        }
        return served;
    }

    private static void allow(String method, String allowed) throws BadRequest {
        if (!method.equals(allowed)) {
            throw new BadRequest(405, "method " + abbreviated(method) + " is not allowed here; use " + allowed);
        }
    }

    private JsonNode body(HttpExchange exchange) throws IOException, BadRequest {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null && length.length() < 19 && length.chars().allMatch(Character::isDigit) && Long.parseLong(length) > DRAIN_BYTES) {
            throw new BadRequest(400, "body: " + length + " bytes, more than the limit of " + maxBodyBytes + " (serve --max-body-bytes)");
        }
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(maxBodyBytes + 1);
            if (bytes.length > maxBodyBytes) {
                // read the rest (up to a bound) so that the client, still sending, gets the answer rather than a reset connection
                long drained = 0;
                byte[] scrap = new byte[64 * 1024];
                for (int n; drained < DRAIN_BYTES && (n = in.read(scrap)) >= 0; ) {
                    drained += n;
                }
                throw new BadRequest(400, "body: " + (length != null ? length + " bytes" : "over " + (bytes.length + drained) + " bytes")
                        + ", more than the limit of " + maxBodyBytes + " (serve --max-body-bytes)");
            }
        }
        try {
            return JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new BadRequest(400, "body: not JSON: " + e.getOriginalMessage().lines().findFirst().orElse("") + " at byte "
                    + e.getLocation().getByteOffset());
        }
    }

    private String predict(ServedModel served, JsonNode body) throws BadRequest {
        if (body == null || !body.isObject()) {
            throw new BadRequest(400, "body: expected a JSON object {\"instances\": [...]}");
        }
        ModelShape shape = served.shape();
        int[] count = new int[1];
        float[] inputs = Instances.read(body, shape, count);
        int n = count[0];
        float[] outputs;
        try {
            if (!slots.tryAcquire(SLOT_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new BadRequest(503, "busy: no prediction slot free within " + SLOT_WAIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadRequest(503, "interrupted while waiting for a prediction slot");
        }
        try {
            outputs = served.predict(inputs, n);
        } finally {
            slots.release();
        }
        StringBuilder json = new StringBuilder(32 + n * shape.targetSize() * 12).append("{\"predictions\":[");
        int width = shape.outputs();
        for (int i = 0; i < n; i++) {
            json.append(i == 0 ? "" : ",");
            if (shape.rows() > 1) {
                json.append('[');
            }
            for (int r = 0; r < shape.rows(); r++) {
                json.append(r == 0 ? "[" : ",[");
                int at = (i * shape.rows() + r) * width;
                for (int k = 0; k < width; k++) {
                    json.append(k == 0 ? "" : ",").append(outputs[at + k]);
                }
                json.append(']');
            }
            if (shape.rows() > 1) {
                json.append(']');
            }
        }
        return json.append("],\"model_version\":").append(served.version()).append("}\n").toString();
    }

    private static ObjectNode describe(ServedModel model) {
        PublishedModel p = model.published();
        ObjectNode node = JSON.createObjectNode().put("name", p.name()).put("model_version", p.version()).put("step", p.version())
                .put("published_at", p.publishedAt().toString()).put("sha256", p.sha256());
        try {
            node.set("spec", JSON.readTree(p.specJson()));
        } catch (JsonProcessingException e) {
            node.put("spec", p.specJson());
        }
        ObjectNode status = node.putArray("model_version_status").addObject().put("version", Long.toString(p.version())).put("state", "AVAILABLE");
        status.putObject("status").put("error_code", "OK").put("error_message", "");
        return node;
    }

    private static int send(HttpExchange exchange, int status, String json) throws IOException {
        return send(exchange, status, "application/json", json.endsWith("\n") ? json : json + "\n");
    }

    private static int send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        return status;
    }

    private static String abbreviated(String s) {
        String clean = s.replaceAll("[^A-Za-z0-9._\\-]", "?");
        return clean.length() <= 64 ? clean : clean.substring(0, 64) + "...";
    }

    /** Stops accepting requests and lets running ones finish (at most one second). */
    @Override
    public void close() {
        server.stop(1);
        workers.shutdownNow();
    }
}
