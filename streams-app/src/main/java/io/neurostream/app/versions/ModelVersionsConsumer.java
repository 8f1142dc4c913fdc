// Reads the model-versions topic from its beginning into a ModelVersionReader: what `serve` (which keeps following) and `models export` (which stops at the end) share.
package io.neurostream.app.versions;

import io.neurostream.app.clients.TopicScan;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * A {@link TopicScan} of the model-versions topic from its beginning (read_committed, so it never sees the chunks of a transaction
 * that was aborted or is still open) feeding a {@link ModelVersionReader}. {@link #caughtUp()} tells when it has read up to the end
 * offsets the topic had when {@link #start} assigned it. Not thread-safe, except {@link #wakeup()}.
 */
public final class ModelVersionsConsumer implements AutoCloseable {
    private final TopicScan scan;
    private final ModelVersionReader reader;
    private boolean started;

    /**
     * @param clientSettings a consumer's settings (bootstrap servers, security...), see {@code ClientSettings.consumer}
     * @param problems       told, in one line, about records that do not decode and versions that fail their checksum
     */
    public ModelVersionsConsumer(Map<String, Object> clientSettings, String topic, Consumer<String> problems) {
        this.scan = new TopicScan(clientSettings, topic);
        this.reader = new ModelVersionReader(problems);
    }

    /**
     * Assigns every partition of the topic from its beginning and notes their end offsets.
     *
     * @return false when the topic does not exist (yet), after waiting up to {@code timeout} for its metadata
     */
    public boolean start(Duration timeout) {
        try {
            started = scan.start(timeout, true);
        } catch (TimeoutException e) {
            started = false; // not there yet: serve keeps waiting for it
        }
        return started;
    }

    /** Polls once and gives {@code completed} each version that a record completes, for the models {@code wanted} accepts. */
    public void poll(Duration timeout, Predicate<String> wanted, Consumer<PublishedModel> completed) {
        for (ConsumerRecord<byte[], byte[]> r : scan.poll(timeout)) {
            if (r.key() != null && !wanted.test(ModelVersionKeys.model(r.key()))) {
                continue;
            }
            reader.accept(r.key(), r.value(), r.topic() + "-" + r.partition() + "@" + r.offset()).ifPresent(completed);
        }
    }

    /** Whether it has read up to the end offsets the topic had when {@link #start} assigned it. */
    public boolean caughtUp() {
        return started && scan.caughtUp();
    }

    /** Reads up to the end the topic had at {@link #start} and returns the newest complete version of {@code model} in it. */
    public Optional<PublishedModel> newestUpToEnd(String model, Duration pollTimeout) {
        if (!started) {
            throw new IllegalStateException("start() first");
        }
        while (!caughtUp()) {
            poll(pollTimeout, model::equals, version -> { });
        }
        return reader.newest(model);
    }

    /** Makes a blocked {@link #poll} or {@link #start} throw {@code WakeupException}; any thread may call it. */
    public void wakeup() {
        scan.wakeup();
    }

    @Override
    public void close() {
        scan.close();
    }
}
