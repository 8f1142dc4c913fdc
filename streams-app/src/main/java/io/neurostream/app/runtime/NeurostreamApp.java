// Wires config -> topics -> topology -> KafkaStreams -> metrics; the `run` and `demo` commands start one.
package io.neurostream.app.runtime;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.metrics.MetricsServer;
import io.neurostream.app.metrics.NeurostreamMetrics;
import io.neurostream.app.sync.KafkaSyncLog;
import io.neurostream.app.topology.NeurostreamTopology;
import io.neurostream.app.topology.Topics;
import io.neurostream.core.Nd4jRuntime;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running neurostream instance; {@link #close()} shuts Kafka Streams down cleanly (committing its
 * work), then the HTTP server. Meters: neurostream's own, Kafka Streams' (KafkaStreamsMetrics) and
 * the JVM's (memory, GC, threads, classes, processor, uptime), all on one Prometheus registry served
 * at /metrics by {@link MetricsServer} unless neurostream.http.port is -1.
 */
public final class NeurostreamApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NeurostreamApp.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final NeurostreamMetrics metrics;
    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gcMetrics;
    private final MetricsServer server;
    private final CompletableFuture<KafkaStreams.State> stopped;
    private final NeurostreamConfig config;

    private NeurostreamApp(NeurostreamConfig config, KafkaStreams streams, KafkaStreamsMetrics streamsMetrics, NeurostreamMetrics metrics, PrometheusMeterRegistry registry,
                           JvmGcMetrics gcMetrics, MetricsServer server, CompletableFuture<KafkaStreams.State> stopped) {
        this.config = config;
        this.streams = streams;
        this.stopped = stopped;
        this.streamsMetrics = streamsMetrics;
        this.metrics = metrics;
        this.registry = registry;
        this.gcMetrics = gcMetrics;
        this.server = server;
    }

    /** Creates missing topics, builds the topology and starts Kafka Streams. */
    public static NeurostreamApp start(NeurostreamConfig config) {
        Nd4jRuntime.configureThreads(config.intValue(NeurostreamConfig.ND4J_THREADS));
        NeurostreamTopology.checkSettings(config);
        TopicSetup.ensureTopics(config);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        NeurostreamMetrics metrics = new NeurostreamMetrics(registry);
        Topology topology = NeurostreamTopology.build(config, metrics, KafkaSyncLog.factory(
                ClientSettings.consumer(config, config.streamsProperties().getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + "-sync"),
                new Topics(config.string(NeurostreamConfig.TOPIC_PREFIX)).sync()));
        KafkaStreams streams = new KafkaStreams(topology, config.streamsProperties());
        streams.setUncaughtExceptionHandler(new ThreadFailurePolicy(System::currentTimeMillis));
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        CompletableFuture<KafkaStreams.State> stopped = new CompletableFuture<>();
        streams.setStateListener((now, before) -> {
            LOG.info("kafka streams: {} -> {}", before, now);
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.complete(now);
            }
        });
        MetricsServer server = null;
        try {
            server = startServer(config, registry, metrics, streams);
            streams.start();
        } catch (RuntimeException e) {
            streams.close(Duration.ZERO);
            streamsMetrics.close();
            gcMetrics.close();
            if (server != null) {
                server.close();
            }
            throw e;
        }
        return new NeurostreamApp(config, streams, streamsMetrics, metrics, registry, gcMetrics, server, stopped);
    }

    /** The HTTP server on neurostream.http.host:port, or null when the port is -1 (started before Kafka Streams, so /health says 503 until it runs). */
    private static MetricsServer startServer(NeurostreamConfig config, PrometheusMeterRegistry registry, NeurostreamMetrics metrics,
                                             KafkaStreams streams) {
        int port = config.intValue(NeurostreamConfig.HTTP_PORT);
        if (port == -1) {
            return null;
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(NeurostreamConfig.HTTP_PORT.name() + " must be -1 (no server), 0 (a free port) or 1-65535, got " + port);
        }
        String host = config.string(NeurostreamConfig.HTTP_HOST);
        MetricsServer server = MetricsServer.start(host, port, registry, metrics, streams::state);
        LOG.info("live page http://{}:{}/, Prometheus metrics /metrics, health /health", host, server.port());
        return server;
    }

    /** The port of the HTTP server (/metrics, /health, the live page), or -1 when neurostream.http.port is -1. */
    public int httpPort() {
        return server == null ? -1 : server.port();
    }

    /** Completes with ERROR (a stream thread failed) or NOT_RUNNING (closed). */
    public CompletableFuture<KafkaStreams.State> stopped() {
        return stopped;
    }

    public NeurostreamConfig config() {
        return config;
    }

    public KafkaStreams streams() {
        return streams;
    }

    public NeurostreamMetrics metrics() {
        return metrics;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        streams.close(CLOSE_TIMEOUT);
        streamsMetrics.close();
        gcMetrics.close();
        if (server != null) {
            server.close();
        }
    }
}
