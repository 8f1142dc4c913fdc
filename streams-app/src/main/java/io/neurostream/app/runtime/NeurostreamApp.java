// Wires config -> topics -> topology -> KafkaStreams -> metrics; the `run` and `demo` commands start one.
package io.neurostream.app.runtime;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.metrics.NeurostreamMetrics;
import io.neurostream.app.topology.NeurostreamTopology;
import io.neurostream.core.Nd4jRuntime;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running neurostream instance; {@link #close()} shuts Kafka Streams down cleanly (committing its work). */
public final class NeurostreamApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NeurostreamApp.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final NeurostreamMetrics metrics;
    private final PrometheusMeterRegistry registry;
    private final CompletableFuture<KafkaStreams.State> stopped;
    private final NeurostreamConfig config;

    private NeurostreamApp(NeurostreamConfig config, KafkaStreams streams, KafkaStreamsMetrics streamsMetrics, NeurostreamMetrics metrics, PrometheusMeterRegistry registry,
                           CompletableFuture<KafkaStreams.State> stopped) {
        this.config = config;
        this.streams = streams;
        this.stopped = stopped;
        this.streamsMetrics = streamsMetrics;
        this.metrics = metrics;
        this.registry = registry;
    }

    /** Creates missing topics, builds the topology and starts Kafka Streams. */
    public static NeurostreamApp start(NeurostreamConfig config) {
        Nd4jRuntime.configureThreads(config.intValue(NeurostreamConfig.ND4J_THREADS));
        TopicSetup.ensureTopics(config);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        NeurostreamMetrics metrics = new NeurostreamMetrics(registry);
        Topology topology = NeurostreamTopology.build(config, metrics);
        KafkaStreams streams = new KafkaStreams(topology, config.streamsProperties());
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        CompletableFuture<KafkaStreams.State> stopped = new CompletableFuture<>();
        streams.setStateListener((now, before) -> {
            LOG.info("kafka streams: {} -> {}", before, now);
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.complete(now);
            }
        });
        streams.start();
        return new NeurostreamApp(config, streams, streamsMetrics, metrics, registry, stopped);
    }

    /** Completes with ERROR (a stream thread failed) or NOT_RUNNING (closed). */
    public CompletableFuture<KafkaStreams.State> stopped() {
        return stopped;
    }

    public NeurostreamConfig config() {
        return config;
    }

    /** The port of the HTTP metrics server, or -1 when it is off. */
    public int httpPort() {
        return -1;
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
    }
}
