// Slow or stalled HTTP clients (half a request line, then nothing) cannot take /health and /metrics down.
package io.neurostream.app.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class StalledClientsIT {
    private static final int STALLED = 50;
    private static final Duration HEALTH_WITHIN = Duration.ofSeconds(1);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HEALTH_WITHIN).build();
    private final List<Socket> stalled = new ArrayList<>();
    private MetricsServer server;

    @BeforeEach
    void start() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        server = MetricsServer.start("127.0.0.1", 0, registry, new NeurostreamMetrics(registry), () -> KafkaStreams.State.RUNNING);
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : stalled) {
            socket.close();
        }
        server.close();
    }

    /** Opens a connection that sends half a request line and then nothing. */
    private Socket stall() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        OutputStream out = socket.getOutputStream();
        out.write("GET /hea".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        stalled.add(socket);
        return socket;
    }

    private HttpResponse<String> get(String path, Duration timeout) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(timeout).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswerHealthWithinOneSecondWhileFiftyConnectionsStall() throws Exception {
        for (int i = 0; i < STALLED; i++) {
            stall();
        }
        Thread.sleep(200); // let the server hand every stalled connection to a worker

        for (int i = 0; i < 5; i++) {
            HttpResponse<String> health = get("/health", HEALTH_WITHIN); // throws HttpTimeoutException after 1 s
            assertEquals(200, health.statusCode());
        }
        assertEquals(200, get("/metrics", HEALTH_WITHIN).statusCode());
    }

    @Test
    void shouldCloseAConnectionThatDoesNotFinishItsRequestAndKeepAnsweringWhenStalledClientsOutnumberTheWorkers() throws Exception {
        List<Socket> many = new ArrayList<>();
        for (int i = 0; i < MetricsServer.WORKERS + 20; i++) {
            many.add(stall());
        }
        Duration closedWithin = Duration.ofSeconds(MetricsServer.REQUEST_SECONDS + 30); // the JDK's timer checks once a second; a wide margin
        for (Socket socket : many) {
            socket.setSoTimeout((int) closedWithin.toMillis());
            InputStream in = socket.getInputStream();
            try {
                int read;
                do {
                    read = in.read(); // the server may answer 400 first; it must then close
                } while (read != -1);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("a stalled connection was still open after " + closedWithin.toSeconds() + " s", e);
            } catch (IOException closed) {
                // reset by the server: closed too
            }
        }
        assertEquals(200, get("/health", Duration.ofSeconds(10)).statusCode());
        assertTrue(server.port() > 0);
    }
}
