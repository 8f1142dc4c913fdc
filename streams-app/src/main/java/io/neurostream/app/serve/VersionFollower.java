// Follows the model-versions topic from its beginning and hands every newly complete version to the registry.
package io.neurostream.app.serve;

import io.neurostream.app.versions.ModelVersionsConsumer;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread, one {@link ModelVersionsConsumer} (read_committed, every partition from the
 * beginning) that keeps reading. {@link #notReady()} says why the
 * server is not ready until the consumer has read up to the end offsets the topic had when it
 * started, so that /health turns 200 only once the newest published versions are loaded.
 */
public final class VersionFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VersionFollower.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final ModelVersionsConsumer consumer;
    private final String topic;
    private final ModelRegistry models;
    private final Thread thread;
    private volatile String notReady;
    private volatile boolean closing;

    private VersionFollower(Map<String, Object> consumerSettings, String topic, ModelRegistry models, ServeMetrics metrics) {
        this.consumer = new ModelVersionsConsumer(consumerSettings, topic, problem -> {
            metrics.rejected();
            LOG.warn("{}", problem);
        });
        this.topic = topic;
        this.models = models;
        this.notReady = "waiting for topic " + topic;
        this.thread = new Thread(this::follow, "neurostream-versions");
        this.thread.setDaemon(true);
    }

    /** Starts following {@code topic} with these consumer settings (bootstrap servers, security...). */
    public static VersionFollower start(Map<String, Object> consumerSettings, String topic, ModelRegistry models, ServeMetrics metrics) {
        VersionFollower follower = new VersionFollower(consumerSettings, topic, models, metrics);
        follower.thread.start();
        return follower;
    }

    /** Why the newest versions are not loaded yet, or null once they are. */
    public String notReady() {
        return notReady;
    }

    private void follow() {
        try {
            awaitTopic();
            notReady = "loading the versions published on " + topic;
            while (!closing) {
                consumer.poll(POLL, models::wants, models::offer);
                if (notReady != null && consumer.caughtUp()) {
                    notReady = null;
                    LOG.info("loaded the versions published on {}: {}", topic, models.all().stream()
                            .map(m -> m.name() + " " + m.version()).collect(Collectors.joining(", ")));
                }
            }
        } catch (WakeupException e) {
            if (!closing) {
                notReady = "the model-versions consumer stopped: " + e;
            }
        } catch (RuntimeException e) {
            notReady = "the model-versions consumer failed: " + e.getMessage();
            LOG.error("reading {} failed; no newer versions will be loaded: {}", topic, e.toString());
        } finally {
            consumer.close();
        }
    }

    private void awaitTopic() {
        while (!closing) {
            if (consumer.start(Duration.ofSeconds(10))) {
                return;
            }
            LOG.info("topic {} does not exist yet (run creates it); waiting", topic);
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                throw new WakeupException();
            }
        }
        throw new WakeupException();
    }

    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
