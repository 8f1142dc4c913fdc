// Micrometer meters of neurostream (DESIGN.md §6): lowercase dotted names, base units, a bounded `model` tag.
package io.neurostream.app.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.neurostream.app.records.DeadLetterReason;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link ModelMeters} per model name; model names are bounded (they come from model specs or
 * presets, never from sample ids). Records whose model is unknown or missing are counted under
 * {@value #UNKNOWN_MODEL}.
 *
 * <p>Meter catalogue (Prometheus names in brackets):
 * <ul>
 * <li>neurostream.samples.trained {model} [neurostream_samples_trained_total]: samples that went through a training step
 * <li>neurostream.samples.predicted {model} [neurostream_samples_predicted_total]: unlabelled samples, predicted only
 * <li>neurostream.samples.dead.lettered {model, reason} [neurostream_samples_dead_lettered_total]: one counter per
 *     reason (DeadLetterReason), at 0 from the start; model "unknown" when the key names no model
 * <li>neurostream.steps.skipped {model} [neurostream_steps_skipped_total]: steps skipped for a non-finite loss or gradient
 * <li>neurostream.training.loss {model} [neurostream_training_loss]: mean loss of the last batch
 * <li>neurostream.prequential.loss / .accuracy {model, kind=fading|window} [neurostream_prequential_loss, _accuracy]
 * <li>neurostream.batch.duration {model} [neurostream_batch_duration_seconds]: histogram of one predict + train step
 * <li>neurostream.model.step {model} [neurostream_model_step]: optimizer updates applied
 * <li>neurostream.learning.rate {model} [neurostream_learning_rate]
 * <li>neurostream.snapshot.size {model} [neurostream_snapshot_size_bytes], neurostream.snapshot.duration [_seconds]
 * <li>neurostream.model.quarantined {model} [neurostream_model_quarantined]: 1 while the model is quarantined, else 0
 * <li>neurostream.restore.duration {model} [neurostream_restore_duration_seconds]: snapshot load + journal replay
 * <li>neurostream.sync.* {model, replica}: rounds of replicated models ({@link ReplicaMeters}); a replica's other meters have
 *     model=NAME#s
 * </ul>
 * Besides: JVM (memory, GC, threads, classes, processor, uptime) and Kafka Streams' own metrics
 * (kafka_stream_*, kafka_consumer_*, kafka_producer_*), bound in NeurostreamApp.
 */
public final class NeurostreamMetrics {
    public static final String PREFIX = "neurostream.";
    public static final String UNKNOWN_MODEL = "unknown";

    private final MeterRegistry registry;
    private final Map<String, ModelMeters> models = new ConcurrentHashMap<>();
    private final Map<String, ReplicaMeters> replicas = new ConcurrentHashMap<>();

    /** Registers the dead-letter counters of {@value #UNKNOWN_MODEL} at 0 (its other meters appear on its first dead letter). */
    public NeurostreamMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            ModelMeters.deadLetterCounter(registry, UNKNOWN_MODEL, reason.name());
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The meters of one model (created on first use). */
    public ModelMeters model(String name) {
        return models.computeIfAbsent(name == null ? UNKNOWN_MODEL : name, n -> new ModelMeters(registry, n));
    }

    /** The sync meters of replica {@code shard} of a replicated model (created on first use). */
    public ReplicaMeters replica(String model, int shard) {
        return replicas.computeIfAbsent(model + "#" + shard, k -> new ReplicaMeters(registry, model, shard));
    }

    /** The replicas with sync meters so far, by NAME#s (a live view). */
    Map<String, ReplicaMeters> replicas() {
        return Collections.unmodifiableMap(replicas);
    }

    /** The models with meters so far, by name (a live view). */
    Map<String, ModelMeters> models() {
        return Collections.unmodifiableMap(models);
    }
}
