// An embedded broker and a NeurostreamApp in this JVM with its HTTP server on a free port: the fixture of the ops ITs.
package io.neurostream.app.it;

import io.neurostream.app.broker.EmbeddedKafka;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.runtime.NeurostreamApp;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.topology.Topics;
import io.neurostream.schemas.ModelSpecRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;

final class LiveApp implements AutoCloseable {
    static final long BASE_TIME = 1_700_000_000_000L;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final EmbeddedKafka kafka;
    final NeurostreamApp app;
    final Topics topics;
    final KafkaProducer<byte[], byte[]> producer;

    private LiveApp(EmbeddedKafka kafka, NeurostreamApp app, Topics topics, KafkaProducer<byte[], byte[]> producer) {
        this.kafka = kafka;
        this.app = app;
        this.topics = topics;
        this.producer = producer;
    }

    /** Starts the broker and the app (http.port 0, a snapshot every {@code snapshotEvery} batches) and waits until it runs. */
    static LiveApp start(Path stateDir, String name, int snapshotEvery) throws InterruptedException {
        EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put("application.id", name);
        settings.put("state.dir", stateDir.toString());
        settings.put(NeurostreamConfig.TOPIC_PREFIX.name(), name + ".");
        settings.put(NeurostreamConfig.HTTP_PORT.name(), "0");
        settings.put(NeurostreamConfig.SNAPSHOT_INTERVAL.name(), Integer.toString(snapshotEvery));
        NeurostreamApp app = NeurostreamApp.start(NeurostreamConfig.load(null, settings));
        LiveApp live = new LiveApp(kafka, app, new Topics(name + "."), KafkaClients.producer(kafka.bootstrapServers()));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (app.streams().state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                live.close();
                throw new AssertionError("Kafka Streams is " + app.streams().state() + " after 60 s");
            }
            Thread.sleep(100);
        }
        return live;
    }

    String url(String path) {
        return "http://127.0.0.1:" + app.httpPort() + path;
    }

    static HttpResponse<String> get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void spec(String model, String json) {
        ModelSpecRecord record = ModelSpecRecord.newBuilder().setName(model).setSpecJson(json).setCreatedAt(Instant.ofEpochMilli(BASE_TIME)).build();
        KafkaClients.send(producer, topics.models(), model, NeurostreamSerdes.modelSpec().encode(record), BASE_TIME - 1);
        producer.flush();
    }

    /** Sends the values to the samples topic keyed by model; pauses {@code pauseMillis} after every {@code every} records (0: none). */
    void samples(String model, List<byte[]> values, int every, long pauseMillis) throws InterruptedException {
        for (int i = 0; i < values.size(); i++) {
            KafkaClients.send(producer, topics.samples(), model, values.get(i), BASE_TIME + i);
            if (every > 0 && i % every == every - 1) {
                producer.flush();
                Thread.sleep(pauseMillis);
            }
        }
        producer.flush();
    }

    /** Samples of one model trained so far, from the app's meters. */
    double trained(String model) {
        var counter = app.registry().find("neurostream.samples.trained").tag("model", model).counter();
        return counter == null ? 0 : counter.count();
    }

    void awaitTrained(String model, double samples, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (trained(model) < samples) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(model + ": " + trained(model) + " of " + samples + " samples trained after " + timeout);
            }
            Thread.sleep(200);
        }
    }

    @Override
    public void close() {
        producer.close();
        app.close();
        kafka.close();
    }
}
