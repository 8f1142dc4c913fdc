// The meters of one model: counters, gauges of the latest training figures, and timers.
package io.neurostream.app.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.neurostream.app.records.DeadLetterReason;
import io.neurostream.core.drift.DriftSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Updated by the stream thread that owns the model, read by the HTTP thread: gauge values are
 * volatile fields. Gauges start at NaN ("no data yet"). Every counter, including one dead-letter
 * counter per {@link DeadLetterReason} and one drift counter per detector, exists at 0 from the model's first use, so that
 * Prometheus' rate() and increase() see the first increments.
 *
 * <p>Base units: seconds (timers) and bytes (snapshot size). Counts, loss, accuracy and the step
 * are dimensionless and have none: Prometheus' naming appends a base unit to the name
 * ({@code neurostream_samples_trained_samples_total}), which would only repeat it.
 */
public final class ModelMeters {
    private final MeterRegistry registry;
    private final String model;
    private final Counter trained;
    private final Counter predicted;
    private final Counter skippedSteps;
    private final Counter labelsExpired;
    private final Counter labelsApplied;
    private volatile double labelsPending = 0;
    private final Map<String, Counter> deadLettered = new ConcurrentHashMap<>();
    private final Map<String, Counter> driftDetected = new ConcurrentHashMap<>();
    private final Timer batchDuration;
    private final Timer snapshotDuration;
    private final Timer restoreDuration;
    private volatile double trainingLoss = Double.NaN;
    private volatile double fadingLoss = Double.NaN;
    private volatile double fadingAccuracy = Double.NaN;
    private volatile double windowLoss = Double.NaN;
    private volatile double windowAccuracy = Double.NaN;
    private volatile double step = 0;
    private volatile double learningRate = Double.NaN;
    private volatile double snapshotBytes = Double.NaN;
    private volatile double quarantined = 0;
    private volatile String source;

    ModelMeters(MeterRegistry registry, String model) {
        this.registry = registry;
        this.model = model;
        this.source = model;
        String p = NeurostreamMetrics.PREFIX;
        trained = Counter.builder(p + "samples.trained").description("Samples that went through a training step (predicted first, then learned from)")
                .tag("model", model).register(registry);
        predicted = Counter.builder(p + "samples.predicted").description("Unlabelled samples, predicted only")
                .tag("model", model).register(registry);
        skippedSteps = Counter.builder(p + "steps.skipped").description("Training steps skipped because the loss or a gradient was not finite")
                .tag("model", model).register(registry);
        labelsExpired = Counter.builder(p + "labels.expired")
                .description("Samples kept for a delayed label that never came in time, or evicted beyond the pending bound (they end predicted only)")
                .tag("model", model).register(registry);
        labelsApplied = Counter.builder(p + "labels.applied").description("Delayed labels that found their kept sample, which then trained")
                .tag("model", model).register(registry);
        gauge("labels.pending", "Samples kept waiting for their delayed label", null, () -> labelsPending);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLettered.put(reason.name(), deadLetterCounter(registry, model, reason.name()));
        }
        for (String detector : List.of(DriftSpec.ADWIN, DriftSpec.PAGE_HINKLEY)) {
            driftDetected.put(detector, driftCounter(registry, model, detector));
        }
        batchDuration = Timer.builder(p + "batch.duration").description("Time of one mini-batch: prediction and optimizer step")
                .tag("model", model).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        snapshotDuration = Timer.builder(p + "snapshot.duration").description("Time to encode and store a model snapshot")
                .tag("model", model).register(registry);
        restoreDuration = Timer.builder(p + "restore.duration").description("Time to restore a model: snapshot load and journal replay")
                .tag("model", model).register(registry);
        gauge("training.loss", "Mean loss of the last training batch", null, () -> trainingLoss);
        gauge("prequential.loss", "Prequential (test-then-train) loss", "fading", () -> fadingLoss);
        gauge("prequential.loss", "Prequential (test-then-train) loss", "window", () -> windowLoss);
        gauge("prequential.accuracy", "Prequential (test-then-train) accuracy", "fading", () -> fadingAccuracy);
        gauge("prequential.accuracy", "Prequential (test-then-train) accuracy", "window", () -> windowAccuracy);
        gauge("model.step", "Optimizer updates applied to the model", null, () -> step);
        gauge("learning.rate", "Learning rate of the last update", null, () -> learningRate);
        gauge("model.quarantined", "1 while the model is quarantined (its spec was rejected or its state cannot be restored), else 0",
                null, () -> quarantined);
        Gauge.builder(NeurostreamMetrics.PREFIX + "snapshot.size", () -> snapshotBytes).description("Size of the last model snapshot")
                .baseUnit("bytes").tag("model", model).register(registry);
    }

    private void gauge(String name, String description, String kind, Supplier<Number> value) {
        Gauge.Builder<Supplier<Number>> b = Gauge.builder(NeurostreamMetrics.PREFIX + name, value)
                .description(description).tag("model", model);
        if (kind != null) {
            b.tag("kind", kind);
        }
        b.register(registry);
    }

    public void trained(int samples) {
        trained.increment(samples);
    }

    public void predicted() {
        predicted.increment();
    }

    /** Delayed labels: {@code expired} kept samples expired, {@code applied} labels trained theirs, {@code pending} samples wait now. */
    public void labels(int expired, int applied, long pending) {
        labelsExpired.increment(expired);
        labelsApplied.increment(applied);
        labelsPending = pending;
    }

    public void deadLettered(String reason) {
        deadLettered.computeIfAbsent(reason, r -> deadLetterCounter(registry, model, r)).increment();
    }

    static Counter deadLetterCounter(MeterRegistry registry, String model, String reason) {
        return Counter.builder(NeurostreamMetrics.PREFIX + "samples.dead.lettered")
                .description("Input records sent to the dead-letter topic, by reason").tag("model", model).tag("reason", reason)
                .register(registry);
    }

    /** A drift detection by this detector ("adwin" or "page_hinkley"). */
    public void driftDetected(String detector) {
        driftDetected.computeIfAbsent(detector, d -> driftCounter(registry, model, d)).increment();
    }

    private static Counter driftCounter(MeterRegistry registry, String model, String detector) {
        return Counter.builder(NeurostreamMetrics.PREFIX + "drift.detected")
                .description("Drift detections: the model's live error or loss rose (see the drift topic)").tag("model", model)
                .tag("detector", detector).register(registry);
    }

    public void skippedStep() {
        skippedSteps.increment();
    }

    /** After a batch: its loss, duration, the model step and learning rate, and the prequential figures. */
    public void batch(double loss, long nanos, long modelStep, double rate, double fadingLossValue, double fadingAccuracyValue,
                      double windowLossValue, double windowAccuracyValue) {
        trainingLoss = loss;
        batchDuration.record(Duration.ofNanos(nanos));
        step = modelStep;
        learningRate = rate;
        fadingLoss = fadingLossValue;
        fadingAccuracy = fadingAccuracyValue;
        windowLoss = windowLossValue;
        windowAccuracy = windowAccuracyValue;
    }

    /** Marks the model quarantined (its samples are dead-lettered as MODEL_UNAVAILABLE) or available again. */
    public void quarantined(boolean on) {
        quarantined = on ? 1 : 0;
    }

    /** The stream the model reads (its spec's {@code source}; until a spec is loaded, the model's own name). */
    public void source(String stream) {
        source = stream;
    }

    /** The stream the model reads, as last set. */
    public String source() {
        return source;
    }

    public void snapshot(long bytes, long nanos) {
        snapshotBytes = bytes;
        snapshotDuration.record(Duration.ofNanos(nanos));
    }

    /** The current values, for the live page's history. */
    Reading reading() {
        return new Reading(source, trained.count(), predicted.count(), labelsPending,
                deadLettered.values().stream().mapToDouble(Counter::count).sum(), skippedSteps.count(), step, trainingLoss, fadingLoss, windowLoss, fadingAccuracy, windowAccuracy, learningRate,
                batchDuration.count(), batchDuration.totalTime(TimeUnit.SECONDS), driftDetected.values().stream().mapToDouble(Counter::count).sum());
    }

    /** One reading of a model's meters; NaN where there is no value yet. {@code source}: the stream the model reads. */
    record Reading(String source, double trained, double predicted, double pending, double deadLettered, double skippedSteps, double step,
                   double trainingLoss, double fadingLoss, double windowLoss, double fadingAccuracy, double windowAccuracy, double learningRate,
                   long batches, double batchSeconds, double driftDetections) {}

    public void restored(long nanos, long modelStep) {
        restoreDuration.record(Duration.ofNanos(nanos));
        step = modelStep;
    }
}
