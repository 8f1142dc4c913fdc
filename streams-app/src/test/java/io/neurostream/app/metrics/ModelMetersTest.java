// The meter catalogue: every meter described, units where they exist, counters present at 0 before the first event.
package io.neurostream.app.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.app.records.DeadLetterReason;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelMetersTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final NeurostreamMetrics metrics = new NeurostreamMetrics(registry);

    @Test
    void shouldDescribeEveryMeterAndTagItWithTheModel() {
        metrics.model("mnist-mlp");
        List<Meter> meters = registry.getMeters().stream().filter(m -> m.getId().getName().startsWith(NeurostreamMetrics.PREFIX)).toList();

        assertFalse(meters.isEmpty());
        for (Meter meter : meters) {
            String description = meter.getId().getDescription();
            assertTrue(description != null && !description.isBlank(), meter.getId() + " has a description");
            assertNotNull(meter.getId().getTag("model"), meter.getId() + " has a model tag");
        }
    }

    @Test
    void shouldSetBaseUnitsOnDurationsAndSizes() {
        metrics.model("mnist-mlp");

        assertEquals("seconds", registry.get("neurostream.batch.duration").timer().getId().getBaseUnit());
        assertEquals("seconds", registry.get("neurostream.snapshot.duration").timer().getId().getBaseUnit());
        assertEquals("seconds", registry.get("neurostream.restore.duration").timer().getId().getBaseUnit());
        assertEquals("bytes", registry.get("neurostream.snapshot.size").gauge().getId().getBaseUnit());
    }

    @Test
    void shouldRegisterEveryDeadLetterReasonAndTheSkippedStepsAtZero() {
        metrics.model("mnist-mlp");

        for (DeadLetterReason reason : DeadLetterReason.values()) {
            assertEquals(0.0, registry.get("neurostream.samples.dead.lettered").tags("model", "mnist-mlp", "reason", reason.name()).counter().count());
            assertEquals(0.0, registry.get("neurostream.samples.dead.lettered").tags("model", "unknown", "reason", reason.name()).counter().count());
        }
        assertEquals(0.0, registry.get("neurostream.steps.skipped").tags("model", "mnist-mlp").counter().count());
    }

    @Test
    void shouldCountDeadLettersAndSkippedStepsIntoTheSameCounters() {
        ModelMeters meters = metrics.model("mnist-mlp");
        meters.deadLettered(DeadLetterReason.NOT_AVRO.name());
        meters.deadLettered(DeadLetterReason.NOT_AVRO.name());
        meters.skippedStep();

        assertEquals(2.0, registry.get("neurostream.samples.dead.lettered").tags("model", "mnist-mlp", "reason", "NOT_AVRO").counter().count());
        assertEquals(1.0, registry.get("neurostream.steps.skipped").counter().count());
        ModelMeters.Reading reading = meters.reading();
        assertEquals(2.0, reading.deadLettered());
        assertEquals(1.0, reading.skippedSteps());
    }

    @Test
    void shouldPublishTheBatchDurationAsAPercentileHistogram() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new NeurostreamMetrics(prometheus).model("mnist-mlp").batch(1.0, 5_000_000, 1, 0.01, 1.0, 0.5, 1.0, 0.5);

        long buckets = prometheus.scrape().lines().filter(l -> l.startsWith("neurostream_batch_duration_seconds_bucket{")).count();
        assertTrue(buckets > 10, "histogram buckets for histogram_quantile(): " + buckets);
    }
}
