// The configuration the training processor needs, read once from NeurostreamConfig.
package io.neurostream.app.topology;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.training.RuntimeSettings;
import io.neurostream.core.spec.ModelLimits;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * @param limits                  the largest model accepted, checked before a spec is stored or built
 * @param maxLoadedModels         models kept in memory per task (least recently used evicted beyond)
 * @param snapshotIntervalBatches batches between snapshots (K); the journal holds at most 2K batches of samples and as many flushes
 *                                and closes (a closed batch has fewer samples than a full one)
 * @param publishIntervalBatches  steps between published versions of a model's weights (0: none)
 * @param labelsMaxDelayMillis    delayed labels: stream time an unlabelled sample waits for its label (0: off, none waits)
 * @param labelsMaxPending        delayed labels: samples kept per model at most (the oldest evicted beyond)
 * @param syncMaxWaitMillis       replicated models: wall-clock wait for a round's decision before a replica closes it
 */
record ProcessorSettings(Topics topics, boolean presetsEnabled, int snapshotIntervalBatches, int recordMaxBytes, ModelLimits limits,
                         int maxLoadedModels, RuntimeSettings runtime, int publishIntervalBatches,
                         long labelsMaxDelayMillis, int labelsMaxPending, long syncMaxWaitMillis) {
    /** The producer's default max.request.size (1 MiB). */
    static final int DEFAULT_MAX_REQUEST_SIZE = 1 << 20;

    /**
     * The settings of a configuration, refused (one line) when an output record they allow (a dead
     * letter keeping a value of up to {@code neurostream.record.max.bytes}, or a journal entry of such a
     * sample) could be larger than the producer's {@code max.request.size}: it could never be sent,
     * and the task would fail on it at every restart.
     */
    static ProcessorSettings from(NeurostreamConfig c) {
        Properties kafka = c.streamsProperties();
        String maxRequest = kafka.getProperty("producer." + ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                kafka.getProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(DEFAULT_MAX_REQUEST_SIZE)));
        int recordMax = c.intValue(NeurostreamConfig.RECORD_MAX_BYTES);
        long needed = DeadLetters.maxBytes(recordMax);
        if (needed > Long.parseLong(maxRequest.trim())) {
            throw new IllegalArgumentException(NeurostreamConfig.RECORD_MAX_BYTES.name() + " is " + recordMax + ": a dead letter keeping such a value "
                    + "needs up to " + needed + " bytes, more than the producer's max.request.size of " + maxRequest.trim() + "; lower it to at most "
                    + (Long.parseLong(maxRequest.trim()) - DeadLetters.OVERHEAD_BYTES) + " or raise producer.max.request.size (and the topics' max.message.bytes)");
        }
        RuntimeSettings runtime = new RuntimeSettings(c.intValue(NeurostreamConfig.TOP_K), c.intValue(NeurostreamConfig.METRICS_INTERVAL),
                c.doubleValue(NeurostreamConfig.FADING_FACTOR), c.intValue(NeurostreamConfig.WINDOW_SIZE),
                c.longValue(NeurostreamConfig.PREDICTION_MAX_DELAY), c.longValue(NeurostreamConfig.BATCH_MAX_DELAY),
                c.longValue(NeurostreamConfig.METRICS_INTERVAL_MS));
        return new ProcessorSettings(new Topics(c.string(NeurostreamConfig.TOPIC_PREFIX)), c.booleanValue(NeurostreamConfig.PRESETS_ENABLED),
                c.intValue(NeurostreamConfig.SNAPSHOT_INTERVAL), c.intValue(NeurostreamConfig.RECORD_MAX_BYTES), c.modelLimits(),
                c.intValue(NeurostreamConfig.MODELS_MAX_LOADED), runtime, c.intValue(NeurostreamConfig.PUBLISH_INTERVAL),
                c.longValue(NeurostreamConfig.LABELS_MAX_DELAY), c.intValue(NeurostreamConfig.LABELS_MAX_PENDING),
                c.longValue(NeurostreamConfig.SYNC_MAX_WAIT));
    }

    /**
     * Journal ring size for a batch size: room for two snapshot intervals (the journal since the
     * older of the two snapshot generations kept) of K batches of samples plus one flush per sample.
     */
    boolean delayedLabels() {
        return labelsMaxDelayMillis > 0;
    }

    int journalSlots(int batchSize) {
        return Math.toIntExact(4L * snapshotIntervalBatches * batchSize);
    }
}
