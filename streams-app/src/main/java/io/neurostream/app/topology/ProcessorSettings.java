// The configuration the training processor needs, read once from NeurostreamConfig.
package io.neurostream.app.topology;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.training.RuntimeSettings;

/**
 * @param snapshotIntervalBatches batches between snapshots (K); the journal holds at most K batches of samples and as many flushes
 * @param publishIntervalBatches  steps between published versions of a model's weights (0: none)
 */
record ProcessorSettings(Topics topics, boolean presetsEnabled, int snapshotIntervalBatches, int recordMaxBytes, RuntimeSettings runtime,
                         int publishIntervalBatches) {

    static ProcessorSettings from(NeurostreamConfig c) {
        RuntimeSettings runtime = new RuntimeSettings(c.intValue(NeurostreamConfig.TOP_K), c.intValue(NeurostreamConfig.METRICS_INTERVAL),
                c.doubleValue(NeurostreamConfig.FADING_FACTOR), c.intValue(NeurostreamConfig.WINDOW_SIZE),
                c.longValue(NeurostreamConfig.PREDICTION_MAX_DELAY));
        return new ProcessorSettings(new Topics(c.string(NeurostreamConfig.TOPIC_PREFIX)), c.booleanValue(NeurostreamConfig.PRESETS_ENABLED),
                c.intValue(NeurostreamConfig.SNAPSHOT_INTERVAL), c.intValue(NeurostreamConfig.RECORD_MAX_BYTES), runtime,
                c.intValue(NeurostreamConfig.PUBLISH_INTERVAL));
    }

    /** Journal ring size for a batch size: room for K batches of samples plus one flush per sample. */
    int journalSlots(int batchSize) {
        return Math.toIntExact(2L * snapshotIntervalBatches * batchSize);
    }
}
