// Meters of the serve command: requests and their latency by model and status, the version served, swaps.
package io.neurostream.app.serve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code neurostream.serve.request.duration} (timer with a percentile histogram; tags model — a
 * served model's name, or {@code unknown} for any other name, so the tag stays bounded — and
 * status, the HTTP code), {@code neurostream.serve.model.version} (gauge per model),
 * {@code neurostream.serve.model.swaps} (counter per model) and
 * {@code neurostream.serve.versions.rejected} (versions or records that failed their checks).
 */
public final class ServeMetrics {
    public static final String UNKNOWN_MODEL = "unknown";
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> versions = new ConcurrentHashMap<>();
    private final Counter rejected;

    public ServeMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.rejected = Counter.builder("neurostream.serve.versions.rejected")
                .description("model-versions records or versions that failed their checks and were not served").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    void request(String model, int status, long nanos) {
        timers.computeIfAbsent(model + '\u0000' + status, k -> Timer.builder("neurostream.serve.request.duration")
                .description("HTTP requests of the serve command, from the request line to the last byte of the answer")
                .tag("model", model).tag("status", Integer.toString(status))
                .publishPercentileHistogram().register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    void swapped(String model, long version) {
        versions.computeIfAbsent(model, m -> {
            AtomicLong v = new AtomicLong();
            Gauge.builder("neurostream.serve.model.version", v, AtomicLong::get).description("version (model step) being served")
                    .tag("model", m).register(registry);
            return v;
        }).set(version);
        Counter.builder("neurostream.serve.model.swaps").description("versions swapped in, the first one included")
                .tag("model", model).register(registry).increment();
    }

    void rejected() {
        rejected.increment();
    }
}
