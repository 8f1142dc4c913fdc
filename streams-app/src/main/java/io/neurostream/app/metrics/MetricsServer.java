// The HTTP face of a running instance: /metrics for Prometheus, /health, and a live page of training charts.
package io.neurostream.app.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * A JDK {@link HttpServer} with {@value #WORKERS} daemon threads for requests and one that samples
 * the model meters into a bounded history. A client that stalls holds one worker at most
 * {@value #REQUEST_SECONDS} s while it sends its request and {@value #RESPONSE_SECONDS} s while it
 * reads the answer: the JDK server closes such connections ({@code sun.net.httpserver.maxReqTime}
 * and {@code maxRspTime}, set here unless given on the command line; the JDK reads them once per
 * JVM, when its first HttpServer is created). Endpoints (GET and HEAD only):
 * <ul>
 * <li>{@code /metrics} — the Prometheus text format of every meter
 * <li>{@code /health} — 200 while Kafka Streams is RUNNING or REBALANCING, 503 otherwise; {@code {"status":"UP","state":"RUNNING"}}
 * <li>{@code /} — the live page (live.html + live.js, served from the jar; no external resources)
 * <li>{@code /api/series} — the history the page draws: per model, loss, accuracy, samples/s, batch time and the counters;
 *     per replicated model, its rounds and replicas ({@code replicas})
 * </ul>
 */
public final class MetricsServer implements AutoCloseable {
    /** Time between two points of the live page's history. */
    public static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(1);
    /** Points kept per model: 15 minutes at one per second. */
    public static final int HISTORY_POINTS = 900;

    /** Threads answering requests: stalled connections each hold one until their timeout, the others keep answering. */
    public static final int WORKERS = 100;
    /** Longest time a client may take to send its request line and headers. */
    public static final int REQUEST_SECONDS = 10;
    /** Longest time a client may take to read a response. */
    public static final int RESPONSE_SECONDS = 30;
    static final String MAX_REQUEST_TIME = "sun.net.httpserver.maxReqTime";
    static final String MAX_RESPONSE_TIME = "sun.net.httpserver.maxRspTime";

    static {
        if (System.getProperty(MAX_REQUEST_TIME) == null) {
            System.setProperty(MAX_REQUEST_TIME, String.valueOf(REQUEST_SECONDS));
        }
        if (System.getProperty(MAX_RESPONSE_TIME) == null) {
            System.setProperty(MAX_RESPONSE_TIME, String.valueOf(RESPONSE_SECONDS));
        }
    }

    private static final int BACKLOG = 128;
    private static final String RESOURCES = "/io/neurostream/app/metrics/";
    private static final Map<String, String> STATIC = Map.of(
            "/", "live.html",
            "/live.js", "live.js",
            "/live.css", "live.css");

    private final HttpServer server;
    private final ExecutorService handlers;
    private final ScheduledExecutorService sampler;

    private MetricsServer(HttpServer server, ExecutorService handlers, ScheduledExecutorService sampler) {
        this.server = server;
        this.handlers = handlers;
        this.sampler = sampler;
    }

    /**
     * Binds host:port (port 0 picks a free one) and starts serving.
     *
     * @param state the Kafka Streams state, read on every /health request
     */
    public static MetricsServer start(String host, int port, PrometheusMeterRegistry registry, NeurostreamMetrics metrics,
                                      Supplier<KafkaStreams.State> state) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), BACKLOG);
        } catch (BindException e) {
            throw new IllegalStateException("cannot serve /metrics on " + host + ":" + port + ": " + e.getMessage()
                    + " (set neurostream.http.port to a free port, 0 for any, or -1 for none)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve /metrics on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        SeriesHistory history = new SeriesHistory(metrics, HISTORY_POINTS);
        server.createContext("/", exchange -> handle(exchange, registry, history, state));
        ExecutorService handlers = Executors.newFixedThreadPool(WORKERS, daemon("neurostream-http"));
        server.setExecutor(handlers);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(daemon("neurostream-series"));
        long every = SAMPLE_INTERVAL.toMillis();
        sampler.scheduleAtFixedRate(() -> history.sample(System.currentTimeMillis(), System.nanoTime()), 0, every, TimeUnit.MILLISECONDS);
        server.start();
        return new MetricsServer(server, handlers, sampler);
    }

    /** The bound port (the chosen one when 0 was asked). */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void handle(HttpExchange exchange, PrometheusMeterRegistry registry, SeriesHistory history, Supplier<KafkaStreams.State> state)
            throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                send(exchange, 405, "text/plain; charset=utf-8", "only GET is served\n");
            } else if (path.equals("/metrics")) {
                send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
            } else if (path.equals("/health")) {
                KafkaStreams.State now = state.get();
                boolean up = now == KafkaStreams.State.RUNNING || now == KafkaStreams.State.REBALANCING;
                send(exchange, up ? 200 : 503, "application/json", "{\"status\":\"" + (up ? "UP" : "DOWN") + "\",\"state\":\"" + now + "\"}\n");
            } else if (path.equals("/api/series")) {
                send(exchange, 200, "application/json", history.json(SAMPLE_INTERVAL.toMillis()));
            } else if (STATIC.containsKey(path)) {
                String file = STATIC.get(path);
                send(exchange, 200, contentType(file), resource(file));
            } else {
                send(exchange, 404, "text/plain; charset=utf-8", "no such page (try /, /metrics, /health, /api/series)\n");
            }
        }
    }

    private static String contentType(String file) {
        if (file.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        return file.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
    }

    private static String resource(String file) throws IOException {
        try (InputStream in = MetricsServer.class.getResourceAsStream(RESOURCES + file)) {
            if (in == null) {
                throw new IOException("resource " + RESOURCES + file + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops accepting requests, lets running ones finish (at most one second), stops the sampler. */
    @Override
    public void close() {
        server.stop(1);
        handlers.shutdownNow();
        sampler.shutdownNow();
    }
}
