// A point-in-time reading of one model's training meters, for progress lines and summaries.
package io.neurostream.app.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Read from the registry by meter name, so it sees exactly what {@code /metrics} shows.
 * Dead letters are summed over every reason and every model (a record too broken to name its
 * model counts under {@value NeurostreamMetrics#UNKNOWN_MODEL}).
 */
public record ModelProgress(long trained, long predicted, long deadLettered, long step, double trainingLoss,
                            double fadingAccuracy, double windowAccuracy) {

    /** Trained, predicted-only and dead-lettered: every record the application has finished with. */
    public long accounted() {
        return trained + predicted + deadLettered;
    }

    public static ModelProgress read(MeterRegistry registry, String model) {
        return new ModelProgress(
                (long) count(registry, "samples.trained", model),
                (long) count(registry, "samples.predicted", model),
                (long) registry.find(NeurostreamMetrics.PREFIX + "samples.dead.lettered").counters().stream().mapToDouble(Counter::count).sum(),
                (long) gauge(registry, "model.step", model, null),
                gauge(registry, "training.loss", model, null),
                gauge(registry, "prequential.accuracy", model, "fading"),
                gauge(registry, "prequential.accuracy", model, "window"));
    }

    private static double count(MeterRegistry registry, String name, String model) {
        Counter c = registry.find(NeurostreamMetrics.PREFIX + name).tag("model", model).counter();
        return c == null ? 0 : c.count();
    }

    private static double gauge(MeterRegistry registry, String name, String model, String kind) {
        var search = registry.find(NeurostreamMetrics.PREFIX + name).tag("model", model);
        Gauge g = (kind == null ? search : search.tag("kind", kind)).gauge();
        return g == null ? Double.NaN : g.value();
    }
}
