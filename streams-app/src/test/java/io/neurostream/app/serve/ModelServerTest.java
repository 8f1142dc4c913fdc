// The serve HTTP API without Kafka: TF Serving's predict and status endpoints, one-line errors, and hot swaps under load.
package io.neurostream.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.app.versions.ModelPublisher;
import io.neurostream.app.versions.ModelVersionReader;
import io.neurostream.app.versions.PublishedModel;
import io.neurostream.core.codec.SnapshotChunks;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import io.neurostream.core.tensor.HostCopy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class ModelServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ServeMetrics metrics = new ServeMetrics(prometheus);
    private final ModelRegistry registry = new ModelRegistry(Set.of(), metrics, 2);
    private Network net;
    private ModelServer server;

    static PublishedModel publish(Network net) {
        ModelVersionReader reader = new ModelVersionReader(p -> {
            throw new AssertionError(p);
        });
        PublishedModel last = null;
        for (KeyValue<byte[], byte[]> kv : ModelPublisher.records(net.spec().name(), net, 1_700_000_000_000L, SnapshotChunks.MAX_CHUNK_BYTES)) {
            last = reader.accept(kv.key, kv.value, "t").orElse(last);
        }
        return last;
    }

    @BeforeEach
    void start() {
        net = Network.create(ModelSpec.parse(Presets.json("mnist-mlp")));
        registry.offer(publish(net));
        server = ModelServer.start("127.0.0.1", 0, registry, metrics, prometheus, () -> null, 64 * 1024, 2);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String instance(float[] x) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < x.length; i++) {
            sb.append(i == 0 ? "" : ",").append(x[i]);
        }
        return sb.append(']').toString();
    }

    private static float[] randomInput(long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] x = new float[784];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(4) == 0 ? r.nextInt(256) / 255f : 0f;
        }
        return x;
    }

    @Test
    void shouldPredictLikeTheNetworkBitForBitInTensorFlowServingsFormat() throws Exception {
        float[] a = randomInput(1);
        float[] b = randomInput(2);
        HttpResponse<String> response = post("/v1/models/mnist-mlp:predict", "{\"instances\": [" + instance(a) + "," + instance(b) + "]}");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals(0, body.get("model_version").asLong());
        for (int s = 0; s < 2; s++) {
            FloatBuffer expected = HostCopy.floats(net.predict(Nd4j.create(s == 0 ? a : b, new long[] {1, 784}, 'c')));
            JsonNode row = body.get("predictions").get(s);
            assertEquals(10, row.size());
            for (int k = 0; k < 10; k++) {
                assertEquals(expected.get(k), row.get(k).floatValue(), 0f, "instance " + s + ", class " + k);
            }
        }
    }

    @Test
    void shouldReadInstancesShapedAsTheInputOrAsASamplesFeatures() throws Exception {
        int[] pixels = new int[784];
        StringBuilder nested = new StringBuilder("[[");
        for (int row = 0; row < 28; row++) {
            nested.append(row == 0 ? "[" : ",[");
            for (int col = 0; col < 28; col++) {
                pixels[row * 28 + col] = (row * 7 + col * 3) % 256;
                nested.append(col == 0 ? "" : ",").append(pixels[row * 28 + col] * (1f / 255f));
            }
            nested.append(']');
        }
        nested.append("]]");
        String asPixels = "{\"pixels\": " + java.util.Arrays.toString(pixels) + ", \"shape\": [28, 28]}";
        JsonNode body = JSON.readTree(post("/v1/models/mnist-mlp:predict", "{\"instances\": [" + nested + ", " + asPixels + "]}").body());
        assertEquals(body.get("predictions").get(0), body.get("predictions").get(1), "pixels are scaled by 1/255 as in training");
    }

    @Test
    void shouldAnswerBadRequestsWithOneLineOfJsonNamingTheField() throws Exception {
        assertError(post("/v1/models/nope:predict", "{\"instances\": [[1]]}"), 404, "no model named nope");
        assertError(post("/v1/models/mnist-mlp:predict", "{\"instances\": [[1, 2, 3]]}"), 400, "instances[0]: expected 784 values, got 3");
        float[] x = randomInput(3);
        String bad = instance(x).replaceFirst("0\\.0", "\"zero\"");
        assertError(post("/v1/models/mnist-mlp:predict", "{\"instances\": [" + bad + "]}"), 400, "instances[0][");
        assertError(post("/v1/models/mnist-mlp:predict", "{\"instances\": [" + bad + "]}"), 400, "not a number: \"zero\"");
        assertError(post("/v1/models/mnist-mlp:predict", "{\"instances\": [{\"values\": [1], \"colour\": 1}]}"), 400, "instances[0].colour: unknown field");
        assertError(post("/v1/models/mnist-mlp:predict", "{\"inputs\": []}"), 400, "instances:");
        assertError(post("/v1/models/mnist-mlp:predict", "{\"instances\": [[1,"), 400, "body: not JSON");
        assertError(post("/v1/models/mnist-mlp:predict", "{\"instances\": [" + "[0.5],".repeat(20_000) + "[0.5]]}"), 400, "more than the limit of 65536");
        assertError(get("/v1/models/mnist-mlp:predict"), 405, "use POST");
        assertError(get("/nowhere"), 404, "no such endpoint");
    }

    private static void assertError(HttpResponse<String> response, int status, String part) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(1, response.body().strip().lines().count(), response.body());
        String error = JSON.readTree(response.body()).get("error").asText();
        assertTrue(error.contains(part), error);
    }

    @Test
    void shouldDescribeTheModelsAndReportHealthAndMetrics() throws Exception {
        JsonNode model = JSON.readTree(get("/v1/models/mnist-mlp").body());
        assertEquals(0, model.get("model_version").asLong());
        assertEquals("mnist-mlp", model.get("spec").get("name").asText());
        assertEquals("AVAILABLE", model.get("model_version_status").get(0).get("state").asText());
        JsonNode models = JSON.readTree(get("/v1/models").body()).get("models");
        assertEquals(1, models.size());
        assertEquals("mnist-mlp", models.get(0).get("name").asText());
        HttpResponse<String> health = get("/health");
        assertEquals(200, health.statusCode());
        assertEquals(0, JSON.readTree(health.body()).get("models").get("mnist-mlp").asLong());
        post("/v1/models/mnist-mlp:predict", "{\"instances\": [" + instance(randomInput(4)) + "]}");
        String scrape = get("/metrics").body();
        assertTrue(scrape.contains("neurostream_serve_request_duration_seconds_count{model=\"mnist-mlp\",status=\"200\"}"), scrape);
        assertTrue(scrape.contains("neurostream_serve_model_version{model=\"mnist-mlp\"} 0"), scrape);
    }

    @Test
    void shouldAnswerEveryRequestWhileVersionsAreSwappedIn() throws Exception {
        String body = "{\"instances\": [" + instance(randomInput(5)) + "]}";
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<long[]>> results = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            results.add(clients.submit(() -> {
                HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                long requests = 0;
                long lastVersion = -1;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                // until the swaps are over and this client has seen the last one (however slow the machine), within a minute
                while ((!done.get() || lastVersion < 10) && System.nanoTime() < deadline) {
                    HttpResponse<String> r = own.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/models/mnist-mlp:predict"))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode(), r.body());
                    long version = JSON.readTree(r.body()).get("model_version").asLong();
                    assertTrue(version >= lastVersion, "versions only move forward for one client: " + lastVersion + " then " + version);
                    lastVersion = version;
                    requests++;
                }
                return new long[] {requests, lastVersion};
            }));
        }
        Network moving = Network.create(ModelSpec.parse(Presets.json("mnist-mlp")));
        var x = Nd4j.rand(DataType.FLOAT, 32, 784);
        var y = Nd4j.zeros(DataType.FLOAT, 32, 10);
        for (int i = 0; i < 32; i++) {
            y.putScalar(i, i % 10, 1f);
        }
        for (int version = 1; version <= 10; version++) {
            moving.trainStep(x, y);
            registry.offer(publish(moving));
            Thread.sleep(30);
        }
        done.set(true);
        long total = 0;
        for (Future<long[]> f : results) {
            long[] r = f.get();
            total += r[0];
            assertEquals(10, r[1], "every client ends on the last version");
        }
        clients.shutdown();
        assertTrue(total > 8, "requests answered: " + total);
    }
}
