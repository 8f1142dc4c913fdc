// The live page's history: bounded per model, rates from consecutive readings, NaN written as null.
package io.neurostream.app.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    /**
     * A replicated model NAME: its replicas NAME#s have their own model entries as before, and "replicas" holds NAME's rounds over
     * time, the mean wait of the rounds applied between two points, each replica's figures and the merged model's.
     */
    @Test
    void shouldGroupTheReplicasOfAModelWithTheirRoundsAndWaits() throws Exception {
        metrics.model("m#0").trained(96);
        metrics.model("m#1").trained(32);
        metrics.model("alone");
        ReplicaMeters zero = metrics.replica("m", 0);
        ReplicaMeters one = metrics.replica("m", 1);
        SeriesHistory history = new SeriesHistory(metrics, 10);
        history.sample(0, 0);
        zero.sent(1_000);
        one.sent(1_000);
        zero.received(2_000);
        zero.decided(2, false);
        zero.applied(1, 1, 40);
        one.decided(2, false);
        one.applied(1, 1, 20);
        zero.decided(1, true);
        zero.applied(1, 2, 30);
        history.sample(1_000, 1_000_000_000L);

        JsonNode json = new ObjectMapper().readTree(history.json(1000));
        assertTrue(json.get("models").has("m#0") && json.get("models").has("m#1"), json.toString());
        JsonNode m = json.get("replicas").get("m");
        assertEquals(1, json.get("replicas").size(), json.toString());
        assertEquals("[0,1000]", m.get("time").toString());
        assertEquals("[0,2]", m.get("round").toString());
        assertEquals("[null,30]", m.get("wait_ms").toString()); // (40 + 20 + 30) / 3
        assertEquals(2, m.get("replicas").asInt());
        assertEquals(1, m.get("alive").asInt()); // as replica 0, in the newest round, saw the last decision
        assertEquals(2, m.get("merged").get("round").asInt());
        assertEquals(128, m.get("merged").get("samples").asInt());
        assertEquals(2_000, m.get("merged").get("sync_bytes_out").asInt());
        assertEquals(1, m.get("merged").get("closed_by_timeout").asInt());
        JsonNode shard0 = m.get("shards").get(0);
        JsonNode shard1 = m.get("shards").get(1);
        assertEquals("m#0", shard0.get("model").asText());
        assertEquals(2, shard0.get("round").asInt());
        assertEquals(2, shard0.get("rounds").asInt());
        assertEquals(96, shard0.get("samples").asInt());
        assertTrue(shard0.get("current").asBoolean());
        assertEquals(30, shard0.get("last_wait_ms").asInt());
        assertEquals(2_000, shard0.get("bytes_in").asInt());
        assertEquals(1, shard1.get("round").asInt());
        assertFalse(shard1.get("current").asBoolean());
        assertEquals(20, shard1.get("last_wait_ms").asInt());
    }

    @Test
    void shouldWriteAnEmptyReplicasObjectWithoutReplicatedModels() throws Exception {
        metrics.model("a");
        SeriesHistory history = new SeriesHistory(metrics, 10);
        history.sample(0, 0);

        assertEquals(0, new ObjectMapper().readTree(history.json(1000)).get("replicas").size());
    }
}
