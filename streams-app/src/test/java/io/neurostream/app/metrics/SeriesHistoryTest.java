// The live page's history: bounded per model, rates from consecutive readings, NaN written as null.
package io.neurostream.app.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class SeriesHistoryTest {
    private final NeurostreamMetrics metrics = new NeurostreamMetrics(new SimpleMeterRegistry());

    @Test
    void shouldKeepAtMostCapacityPointsPerModel() {
        metrics.model("a");
        SeriesHistory history = new SeriesHistory(metrics, 3);
        for (int i = 0; i < 5; i++) {
            history.sample(1_000L * i, 1_000_000_000L * i);
        }

        assertTrue(history.json(1000).contains("\"time\":[2000,3000,4000]"), history.json(1000));
    }

    @Test
    void shouldComputeSamplesPerSecondAndMeanBatchTimeBetweenReadings() {
        ModelMeters meters = metrics.model("a");
        SeriesHistory history = new SeriesHistory(metrics, 10);
        history.sample(0, 0);
        meters.trained(64);
        meters.batch(0.5, 4_000_000, 1, 0.1, 0.5, 0.25, 0.5, 0.25);
        meters.batch(0.5, 6_000_000, 2, 0.1, 0.5, 0.25, 0.5, 0.25);
        history.sample(2_000, 2_000_000_000L);

        String json = history.json(1000);
        assertTrue(json.contains("\"samples_per_second\":[null,32]"), json);
        assertTrue(json.contains("\"batch_ms\":[null,5]"), json);
        assertTrue(json.contains("\"training_loss\":[null,0.5]"), json);
        assertTrue(json.contains("\"counters\":{\"trained\":64,\"predicted\":0,\"dead_lettered\":0,\"skipped_steps\":0,\"step\":2,"), json);
    }

    /** The live page draws a marker where a point's drift count is above 0. */
    @Test
    void shouldCountDriftDetectionsBetweenReadings() {
        ModelMeters meters = metrics.model("a");
        SeriesHistory history = new SeriesHistory(metrics, 10);
        history.sample(0, 0);
        history.sample(1_000, 1_000_000_000L);
        meters.driftDetected("adwin");
        meters.driftDetected("page_hinkley");
        history.sample(2_000, 2_000_000_000L);
        history.sample(3_000, 3_000_000_000L);

        String json = history.json(1000);
        assertTrue(json.contains("\"drift\":[null,0,2,0]"), json);
        assertTrue(json.contains("\"drift_detected\":2,"), json);
    }

    /** The live page puts the models of one stream side by side: the JSON groups them by source, over the samples each has taken. */
    @Test
    void shouldGroupTheModelsOfOneStreamByTheirSource() {
        metrics.model("champion").source("digits");
        metrics.model("challenger").source("digits");
        metrics.model("alone");
        SeriesHistory history = new SeriesHistory(metrics, 10);
        history.sample(0, 0);
        metrics.model("champion").trained(32);
        metrics.model("challenger").trained(32);
        metrics.model("challenger").predicted();
        metrics.model("challenger").labels(0, 0, 3);
        history.sample(1_000, 1_000_000_000L);

        String json = history.json(1000);
        assertTrue(json.contains("\"streams\":{\"alone\":[\"alone\"],\"digits\":[\"challenger\",\"champion\"]},\"models\":{"), json);
        assertTrue(json.contains("\"champion\":{\"source\":\"digits\",\"time\":[0,1000],\"samples\":[0,32],"), json);
        assertTrue(json.contains("\"challenger\":{\"source\":\"digits\",\"time\":[0,1000],\"samples\":[0,36],"), json);
        assertTrue(json.contains("\"alone\":{\"source\":\"alone\","), json);
        assertTrue(json.contains("\"pending\":3,\"samples\":36}"), json);
    }

    @Test
    void shouldEscapeModelNamesInJson() {
        metrics.model("a\"b");
        SeriesHistory history = new SeriesHistory(metrics, 2);
        history.sample(0, 0);

        assertTrue(history.json(1000).contains("\"a\\\"b\":{"), history.json(1000));
        assertEquals('}', history.json(1000).charAt(history.json(1000).length() - 1));
    }
}
