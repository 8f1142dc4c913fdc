// Wires `serve`: config -> model-versions follower -> registry of served models -> HTTP server and meters.
package io.neurostream.app.serve;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.runtime.ClientSettings;
import io.neurostream.app.topology.Topics;
import io.neurostream.core.Nd4jRuntime;
import java.util.Set;

/** A running `serve`: trains nothing, reads model-versions, answers predictions. */
public final class Serving implements AutoCloseable {
    private final VersionFollower follower;
    private final ModelServer server;
    private final JvmGcMetrics gc;

    private Serving(VersionFollower follower, ModelServer server, JvmGcMetrics gc) {
        this.follower = follower;
        this.server = server;
        this.gc = gc;
    }

    /**
     * @param models        the models to serve; empty for every model published
     * @param maxBodyBytes  largest request body accepted
     * @param inferenceSlots predictions computed at once
     */
    public static Serving start(NeurostreamConfig config, Set<String> models, String host, int port, int maxBodyBytes, int inferenceSlots) {
        Nd4jRuntime.configureThreads(config.intValue(NeurostreamConfig.ND4J_THREADS));
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(prometheus);
        new JvmThreadMetrics().bindTo(prometheus);
        new ProcessorMetrics().bindTo(prometheus);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(prometheus);
        ServeMetrics metrics = new ServeMetrics(prometheus);
        ModelRegistry registry = new ModelRegistry(models, metrics, inferenceSlots);
        String topic = new Topics(config.string(NeurostreamConfig.TOPIC_PREFIX)).modelVersions();
        VersionFollower follower = VersionFollower.start(ClientSettings.consumer(config, "neurostream-serve"), topic, registry, metrics);
        ModelServer server;
        try {
            server = ModelServer.start(host, port, registry, metrics, prometheus, follower::notReady, maxBodyBytes, inferenceSlots);
        } catch (RuntimeException e) {
            follower.close();
            gc.close();
            throw e;
        }
        return new Serving(follower, server, gc);
    }

    public int port() {
        return server.port();
    }

    /** Why the newest versions are not loaded yet, or null. */
    public String notReady() {
        return follower.notReady();
    }

    @Override
    public void close() {
        server.close();
        follower.close();
        gc.close();
    }
}
