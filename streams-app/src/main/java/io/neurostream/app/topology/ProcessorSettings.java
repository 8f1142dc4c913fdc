// The configuration the training processor needs, read once from NeurostreamConfig.
package io.neurostream.app.topology;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.training.RuntimeSettings;
import io.neurostream.core.spec.ModelLimits;

/**
 * @param limits                  the largest model accepted, checked before a spec is stored or built
 * @param snapshotIntervalBatches batches between snapshots (K); the journal holds at most K batches of samples and as many flushes
 */
record ProcessorSettings(Topics topics, boolean presetsEnabled, int snapshotIntervalBatches, int recordMaxBytes, ModelLimits limits,
                         RuntimeSettings runtime) {

    static ProcessorSettings from(NeurostreamConfig c) {
        RuntimeSettings runtime = new RuntimeSettings(c.intValue(NeurostreamConfig.TOP_K), c.intValue(NeurostreamConfig.METRICS_INTERVAL),
                c.doubleValue(NeurostreamConfig.FADING_FACTOR), c.intValue(NeurostreamConfig.WINDOW_SIZE),
                c.longValue(NeurostreamConfig.PREDICTION_MAX_DELAY));
        return new ProcessorSettings(new Topics(c.string(NeurostreamConfig.TOPIC_PREFIX)), c.booleanValue(NeurostreamConfig.PRESETS_ENABLED),
                c.intValue(NeurostreamConfig.SNAPSHOT_INTERVAL), c.intValue(NeurostreamConfig.RECORD_MAX_BYTES), c.modelLimits(), runtime);
    }

    /** Journal ring size for a batch size: room for K batches of samples plus one flush per sample. */
    int journalSlots(int batchSize) {
        return Math.toIntExact(2L * snapshotIntervalBatches * batchSize);
    }
}
