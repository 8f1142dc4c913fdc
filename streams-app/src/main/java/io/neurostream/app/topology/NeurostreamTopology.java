// Builds the topology: samples and models in, one training processor with its store, predictions/metrics/dead-letters out.
package io.neurostream.app.topology;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.metrics.NeurostreamMetrics;
import io.neurostream.app.records.ReplicaKeys;
import io.neurostream.app.sync.SyncLog;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import io.neurostream.app.versions.ModelVersionKeys;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;

/**
 * <pre>
 *   samples-source ─┐
 *   labels-source ──┤  (only with delayed labels: neurostream.labels.max.delay.ms > 0)
 *                   ├─► train (store: neurostream-model-state) ─► predictions-sink
 *   models-source ──┘                                          ├─► metrics-sink
 *                                                              ├─► dead-letters-sink
 *                                                              ├─► model-versions-sink
 *                                                              └─► sync-sink (replicated models: contributions and closes)
 * </pre>
 * Values are Avro single-object encoded (sync: the layout of io.neurostream.app.sync.SyncRecord); keys are model names (UTF-8).
 */
public final class NeurostreamTopology {
    public static final String SAMPLES_SOURCE = "samples-source";
    public static final String MODELS_SOURCE = "models-source";
    public static final String LABELS_SOURCE = "labels-source";
    public static final String TRAIN_PROCESSOR = "train";
    public static final String PREDICTIONS_SINK = "predictions-sink";
    public static final String METRICS_SINK = "metrics-sink";
    public static final String DEAD_LETTERS_SINK = "dead-letters-sink";
    public static final String MODEL_VERSIONS_SINK = "model-versions-sink";
    public static final String DRIFT_SINK = "drift-sink";
    public static final String SYNC_SINK = "sync-sink";

    /** Every sync record of model NAME (keyed NAME) goes to the partition of NAME: that partition's order decides its rounds. */
    static final StreamPartitioner<byte[], byte[]> SYNC_PARTITIONER = (topic, key, value, partitions) ->
            Optional.of(Set.of(ReplicaKeys.defaultPartition(new String(key, StandardCharsets.UTF_8), partitions)));

    private NeurostreamTopology() {}

    /**
     * Checks, before anything connects, that the configuration allows no output record larger than
     * the producer sends.
     *
     * @throws IllegalArgumentException one line naming the setting
     */
    public static void checkSettings(NeurostreamConfig config) {
        ProcessorSettings.from(config);
    }

    /** The topology without a sync log: a replicated model is quarantined (benches and tests of unreplicated models). */
    public static Topology build(NeurostreamConfig config, NeurostreamMetrics metrics) {
        return build(config, metrics, SyncLog.NONE);
    }

    /** The topology whose replicated models read their rounds' decisions through {@code syncLogs}. */
    public static Topology build(NeurostreamConfig config, NeurostreamMetrics metrics, SyncLog.Factory syncLogs) {
        ProcessorSettings settings = ProcessorSettings.from(config);
        return build(settings, new TrainingProcessorSupplier(settings, metrics, syncLogs));
    }

    /** The topology around a given training processor (tests wrap the real one to inject failures). */
    static Topology build(ProcessorSettings settings, ProcessorSupplier<byte[], byte[], byte[], byte[]> training) {
        Topics topics = settings.topics();
        Topology topology = new Topology();
        topology.addSource(SAMPLES_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.samples());
        topology.addSource(MODELS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.models());
        if (settings.delayedLabels()) {
            topology.addSource(LABELS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.labels());
            topology.addProcessor(TRAIN_PROCESSOR, training, SAMPLES_SOURCE, MODELS_SOURCE, LABELS_SOURCE);
        } else {
            topology.addProcessor(TRAIN_PROCESSOR, training, SAMPLES_SOURCE, MODELS_SOURCE);
        }
        topology.addSink(PREDICTIONS_SINK, topics.predictions(), new ByteArraySerializer(), new ByteArraySerializer(), TRAIN_PROCESSOR);
        topology.addSink(METRICS_SINK, topics.metrics(), new ByteArraySerializer(), new ByteArraySerializer(), TRAIN_PROCESSOR);
        topology.addSink(DEAD_LETTERS_SINK, topics.deadLetters(), new ByteArraySerializer(), new ByteArraySerializer(), TRAIN_PROCESSOR);
        topology.addSink(MODEL_VERSIONS_SINK, topics.modelVersions(), new ByteArraySerializer(), new ByteArraySerializer(),
                ModelVersionKeys.partitioner(), TRAIN_PROCESSOR);
        topology.addSink(DRIFT_SINK, topics.drift(), new ByteArraySerializer(), new ByteArraySerializer(), TRAIN_PROCESSOR);
        topology.addSink(SYNC_SINK, topics.sync(), new ByteArraySerializer(), new ByteArraySerializer(), SYNC_PARTITIONER, TRAIN_PROCESSOR);
        return topology;
    }
}
