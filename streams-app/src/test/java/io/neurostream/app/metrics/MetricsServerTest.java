// The HTTP server on an ephemeral port: Prometheus text, health codes by Kafka Streams state, the live page, 404s.
package io.neurostream.app.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.CREATED);
    private NeurostreamMetrics metrics;
    private MetricsServer server;

    @BeforeEach
    void start() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics = new NeurostreamMetrics(registry);
        server = MetricsServer.start("127.0.0.1", 0, registry, metrics, state::get);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldBindAnEphemeralPortWhenAskedForPortZero() {
        assertTrue(server.port() > 0, "bound port " + server.port());
    }

    @Test
    void shouldServeNeurostreamMetersInPrometheusTextFormat() throws Exception {
        metrics.model("mnist-mlp").trained(32);
        metrics.model("mnist-mlp").batch(0.5, 2_000_000, 1, 0.005, 0.6, 0.7, 0.65, 0.72);

        HttpResponse<String> response = get("/metrics");

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
        String body = response.body();
        assertTrue(body.contains("neurostream_samples_trained_total{model=\"mnist-mlp\"} 32.0"), body);
        assertTrue(body.contains("neurostream_training_loss{model=\"mnist-mlp\"} 0.5"), body);
        assertTrue(body.contains("neurostream_batch_duration_seconds_bucket{model=\"mnist-mlp\",le="), "batch duration is a histogram");
        assertTrue(body.contains("# HELP neurostream_samples_trained_total Samples that went through a training step"), "descriptions become HELP");
        assertTrue(body.contains("neurostream_samples_dead_lettered_total{model=\"mnist-mlp\",reason=\"NOT_AVRO\"} 0.0"), "dead letters start at 0");
        assertTrue(body.contains("neurostream_samples_dead_lettered_total{model=\"unknown\",reason=\"UNKNOWN_MODEL\"} 0.0"), "unknown model too");
    }

    @Test
    void shouldAnswerHealthWith503UntilKafkaStreamsRunsAnd200WhileRunningOrRebalancing() throws Exception {
        HttpResponse<String> created = get("/health");
        assertEquals(503, created.statusCode());
        assertEquals("{\"status\":\"DOWN\",\"state\":\"CREATED\"}", created.body().trim());

        state.set(KafkaStreams.State.RUNNING);
        HttpResponse<String> running = get("/health");
        assertEquals(200, running.statusCode());
        assertEquals("{\"status\":\"UP\",\"state\":\"RUNNING\"}", running.body().trim());

        state.set(KafkaStreams.State.REBALANCING);
        assertEquals(200, get("/health").statusCode());
        state.set(KafkaStreams.State.ERROR);
        assertEquals(503, get("/health").statusCode());
        state.set(KafkaStreams.State.PENDING_SHUTDOWN);
        assertEquals(503, get("/health").statusCode());
    }

    @Test
    void shouldServeTheLivePageWithItsOwnScriptAndNoExternalResources() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertTrue(page.body().contains("<script src=\"/live.js\">"), page.body());
        HttpResponse<String> script = get("/live.js");
        assertEquals(200, script.statusCode());
        assertTrue(script.body().contains("/api/series"));
        assertEquals(200, get("/live.css").statusCode());
        for (String text : new String[] {page.body(), script.body(), get("/live.css").body()}) {
            assertTrue(!text.contains("http://") || text.contains("http://www.w3.org/2000/svg"), "no external resources");
            assertTrue(!text.contains("https://"), "no external resources");
        }
    }

    @Test
    void shouldServeTheSampledHistoryAsJson() throws Exception {
        ModelMeters meters = metrics.model("logic-and");
        meters.trained(4);
        meters.batch(0.25, 1_000_000, 1, 0.1, 0.3, 0.75, 0.3, 0.75);

        String json = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && !json.contains("\"logic-and\"")) {
            HttpResponse<String> response = get("/api/series");
            assertEquals(200, response.statusCode());
            json = response.body();
            Thread.sleep(100);
        }

        assertTrue(json.contains("\"logic-and\":{\"source\":\"logic-and\",\"time\":["), json);
        assertTrue(json.contains("\"training_loss\":[0.25"), json);
        assertTrue(json.contains("\"counters\":{\"trained\":4,"), json);
    }

    @Test
    void shouldAnswer404ForAnyOtherPathAnd405ForOtherMethods() throws Exception {
        HttpResponse<String> missing = get("/nothing-here%3Cscript%3Ealert(1)%3C/script%3E");
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().startsWith("no such page"), missing.body());
        assertTrue(!missing.body().contains("nothing-here") && !missing.body().contains("<script>"), "the path is not echoed: " + missing.body());
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void shouldNameTheAddressWhenThePortIsTaken() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MetricsServer.start("127.0.0.1", server.port(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), metrics, state::get));
        assertTrue(e.getMessage().contains("127.0.0.1:" + server.port()), e.getMessage());
    }
}
