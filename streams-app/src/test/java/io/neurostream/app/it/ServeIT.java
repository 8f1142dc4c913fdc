// run trains on the embedded broker and publishes versions; serve serves them; a served prediction equals the processor's for that version.
package io.neurostream.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurostream.app.broker.EmbeddedKafka;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.runtime.NeurostreamApp;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.serve.Serving;
import io.neurostream.app.topology.Topics;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.Sample;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class ServeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "mnist-mlp";
    private static final int BATCH = 32;
    private static final int PUBLISH_EVERY = 2;

    @TempDir
    Path stateDir;

    @Test
    void shouldServeTheNewestPublishedVersionAndPredictAsTheTrainingProcessorDid() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start()) {
            Map<String, String> settings = new HashMap<>();
            settings.put("bootstrap.servers", kafka.bootstrapServers());
            settings.put("application.id", "serve-it");
            settings.put("state.dir", stateDir.toString());
            settings.put(NeurostreamConfig.TOPIC_PREFIX.name(), "serve-it.");
            settings.put(NeurostreamConfig.HTTP_PORT.name(), "-1");
            settings.put(NeurostreamConfig.PUBLISH_INTERVAL.name(), Integer.toString(PUBLISH_EVERY));
            NeurostreamConfig config = NeurostreamConfig.load(null, settings);
            Topics topics = new Topics("serve-it.");
            try (NeurostreamApp app = NeurostreamApp.start(config);
                 Serving serving = Serving.start(config, Set.of(MODEL), "127.0.0.1", 0, 4 << 20, 2);
                 KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers())) {
                awaitRunning(app);
                // 4 batches: steps 1..4, versions 2 and 4 published; then unlabelled samples predicted by the model at step 4
                List<byte[]> labelled = MnistRecords.labelled(4 * BATCH + 3);
                for (int i = 0; i < 4 * BATCH; i++) {
                    KafkaClients.send(producer, topics.samples(), MODEL, labelled.get(i), 1_700_000_000_000L + i);
                }
                for (int i = 0; i < 3; i++) {
                    Sample s = NeurostreamSerdes.sample().deserializer().deserialize("s", labelled.get(4 * BATCH + i));
                    s.setId("query-" + i);
                    s.setLabel(null);
                    KafkaClients.send(producer, topics.samples(), MODEL, NeurostreamSerdes.sample().encode(s), 1_700_000_100_000L + i);
                }
                producer.flush();
                List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.readCommitted(kafka.bootstrapServers(), topics.predictions(),
                        r -> r.size() >= 4 * BATCH + 3, Duration.ZERO, Duration.ofSeconds(120));
                List<Prediction> queries = records.stream().map(r -> NeurostreamSerdes.prediction().deserializer().deserialize("p", r.value()))
                        .filter(p -> p.getSampleId().startsWith("query-")).toList();
                assertEquals(3, queries.size());
                assertTrue(queries.stream().allMatch(p -> p.getModelStep() == 4), "predicted by the model at step 4");

                String base = "http://127.0.0.1:" + serving.port();
                HttpClient http = HttpClient.newHttpClient();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                JsonNode status;
                do {
                    Thread.sleep(200);
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/models/" + MODEL)).build(), HttpResponse.BodyHandlers.ofString());
                    status = r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
                } while ((status == null || status.get("model_version").asLong() < 4) && System.nanoTime() < deadline);
                assertTrue(status != null && status.get("model_version").asLong() == 4, "serve loads version 4: " + status);
                assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());

                for (Prediction expected : queries) {
                    int i = Integer.parseInt(expected.getSampleId().substring("query-".length()));
                    Sample s = NeurostreamSerdes.sample().deserializer().deserialize("s", labelled.get(4 * BATCH + i));
                    ByteBuffer pixels = s.getPixels();
                    StringBuilder body = new StringBuilder("{\"instances\": [{\"pixels\": [");
                    for (int k = pixels.position(); k < pixels.limit(); k++) {
                        body.append(k == pixels.position() ? "" : ",").append(pixels.get(k) & 0xFF);
                    }
                    body.append("], \"shape\": [28, 28]}]}");
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/models/" + MODEL + ":predict"))
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode(), r.body());
                    JsonNode served = JSON.readTree(r.body());
                    assertEquals(expected.getModelStep(), served.get("model_version").asLong());
                    JsonNode row = served.get("predictions").get(0);
                    assertEquals(expected.getOutputs().size(), row.size());
                    for (int k = 0; k < row.size(); k++) {
                        assertEquals(expected.getOutputs().get(k), row.get(k).floatValue(), 0f,
                                expected.getSampleId() + ", class " + k + ": served equals the training processor's prediction, bit for bit");
                    }
                }
            }
        }
    }

    private static void awaitRunning(NeurostreamApp app) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (app.streams().state() != KafkaStreams.State.RUNNING) {
            assertTrue(System.nanoTime() < deadline, "Kafka Streams is " + app.streams().state() + " after 60 s");
            Thread.sleep(100);
        }
    }
}
