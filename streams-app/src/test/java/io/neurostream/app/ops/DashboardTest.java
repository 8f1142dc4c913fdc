// The Grafana dashboard's structure, and that every metric it or an alert reads is one the app exposes.
package io.neurostream.app.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.neurostream.app.metrics.ModelMeters;
import io.neurostream.app.metrics.NeurostreamMetrics;
import io.neurostream.app.metrics.ReplicaMeters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DashboardTest {
    private static final List<String> REQUIRED_PANELS = List.of("Training loss", "Prequential accuracy", "Samples per second", "Batch duration",
            "Dead letters by reason", "Consumer lag (records)", "Model step", "Snapshot size", "Quarantined", "Drift detections",
            "Sync rounds per second", "Round wait", "Bytes synced per second", "Replicas alive");

    private static List<JsonNode> panels() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode panel : OpsFiles.dashboard().path("panels")) {
            out.add(panel);
            panel.path("panels").forEach(out::add);
        }
        return out;
    }

    @Test
    void shouldHaveAModelVariableAndOneRowPerModel() {
        JsonNode dashboard = OpsFiles.dashboard();
        assertEquals("neurostream", dashboard.path("uid").asText());
        JsonNode model = null;
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("name").asText().equals("model")) {
                model = variable;
            }
        }
        assertTrue(model != null, "a template variable named model");
        assertTrue(model.path("multi").asBoolean() && model.path("includeAll").asBoolean(), "several models can be shown");
        assertTrue(OpsFiles.variableQueries().get("model").startsWith("label_values(neurostream_"), OpsFiles.variableQueries().toString());
        assertTrue(panels().stream().anyMatch(p -> p.path("type").asText().equals("row") && p.path("repeat").asText().equals("model")),
                "a row repeated per model");
    }

    @Test
    void shouldShowTheRequiredPanelsEachWithAQuery() {
        Set<String> titles = panels().stream().map(p -> p.path("title").asText()).collect(Collectors.toSet());
        for (String required : REQUIRED_PANELS) {
            assertTrue(titles.contains(required), "panel " + required + " in " + titles);
        }
        for (JsonNode panel : panels()) {
            if (!panel.path("type").asText().equals("row")) {
                assertFalse(panel.path("targets").isEmpty(), "panel " + panel.path("title").asText() + " has a query");
                assertEquals("prometheus", panel.path("datasource").path("uid").asText(), panel.path("title").asText());
            }
        }
    }

    /** The model meters follow the model variable; the sync meters (tag model = a replicated model's name) the replicated one. */
    @Test
    void shouldSelectTheModelInEveryQueryOfTheModelMeters() {
        for (OpsFiles.PanelQuery query : OpsFiles.dashboardQueries()) {
            if (query.expr().contains("neurostream_sync_")) {
                assertTrue(query.expr().contains("model=~\"$replicated\"") && !query.expr().contains("$model"), query.panel() + ": " + query.expr());
            } else if (query.expr().contains("neurostream_")) {
                assertTrue(query.expr().contains("model=~\"$model\""), query.panel() + ": " + query.expr());
            }
        }
        assertEquals("label_values(neurostream_sync_round{job=~\"$job\"}, model)", OpsFiles.variableQueries().get("replicated"));
    }

    /** A row of the replicas' sync meters: rounds per replica, round wait p50/p95 from the histogram, bytes per direction, replicas alive. */
    @Test
    void shouldShowTheReplicasOfReplicatedModelsInARow() {
        List<JsonNode> all = panels();
        int row = -1;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).path("type").asText().equals("row") && all.get(i).path("title").asText().startsWith("Replicas")) {
                row = i;
            }
        }
        assertTrue(row >= 0, "a row named Replicas");
        String queries = all.subList(row + 1, all.size()).stream().flatMap(p -> OpsFiles.dashboardQueries().stream()
                .filter(q -> q.panel().equals(p.path("title").asText()))).map(OpsFiles.PanelQuery::expr).collect(Collectors.joining("\n"));
        assertTrue(queries.contains("sum by (model, replica) (rate(neurostream_sync_rounds_total{"), queries);
        assertTrue(queries.contains("histogram_quantile(0.5, sum by (le, model) (rate(neurostream_sync_round_wait_seconds_bucket{"), queries);
        assertTrue(queries.contains("histogram_quantile(0.95, sum by (le, model) (rate(neurostream_sync_round_wait_seconds_bucket{"), queries);
        assertTrue(queries.contains("sum by (model, direction) (rate(neurostream_sync_bytes_total{"), queries);
        assertTrue(queries.contains("neurostream_sync_replicas_alive{"), queries);
    }

    /** Each drift detection is a mark on every time series of the model's row, from the counter the app exposes. */
    @Test
    void shouldAnnotateDriftDetections() {
        JsonNode drift = null;
        for (JsonNode annotation : OpsFiles.dashboard().path("annotations").path("list")) {
            if (annotation.path("name").asText().equals("Drift detected")) {
                drift = annotation;
            }
        }
        assertTrue(drift != null, "an annotation named Drift detected");
        assertTrue(drift.path("enable").asBoolean());
        assertEquals("prometheus", drift.path("datasource").path("uid").asText());
        String expr = drift.path("expr").asText();
        assertEquals(List.of("neurostream_drift_detected_total"), OpsFiles.metricNames(expr).stream().toList(), expr);
        assertTrue(expr.contains("model=~\"$model\"") && expr.contains("> 0"), expr);
        assertTrue(exposedNames().contains("neurostream_drift_detected_total"), "the counter exists from the model's first use");
    }

    @Test
    void shouldUseTheDataSourceThatGrafanaIsProvisionedWith() {
        JsonNode datasource = OpsFiles.yaml(OpsFiles.ops().resolve("grafana/provisioning/datasources/prometheus.yml")).path("datasources").get(0);
        assertEquals("prometheus", datasource.path("uid").asText());
        assertEquals("prometheus", datasource.path("type").asText());
    }

    /** A scrape of what the app registers for one model that trained, snapshotted and restored, a replica that merged a round, plus JVM memory. */
    private static Set<String> exposedNames() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        NeurostreamMetrics metrics = new NeurostreamMetrics(registry);
        ModelMeters meters = metrics.model("m");
        meters.trained(1);
        meters.batch(1, 1_000_000, 1, 0.1, 1, 0.5, 1, 0.5);
        meters.snapshot(100, 1_000_000);
        meters.restored(1_000_000, 1);
        ReplicaMeters replica = metrics.replica("m", 0);
        replica.sent(1_000);
        replica.decided(2, false);
        replica.applied(1, 1, 5);
        return Arrays.stream(registry.scrape().split("\n")).filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.split("[{ ]")[0]).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void shouldReadOnlyMetricsTheAppExposes() {
        Set<String> exposed = exposedNames();
        List<String> exprs = new ArrayList<>(OpsFiles.dashboardQueries().stream().map(OpsFiles.PanelQuery::expr).toList());
        exprs.addAll(OpsFiles.variableQueries().values());
        OpsFiles.alertRules().forEach(r -> exprs.add(r.expr()));
        for (String expr : exprs) {
            for (String name : OpsFiles.metricNames(expr)) {
                if (name.startsWith("neurostream_") || name.startsWith("jvm_memory")) {
                    assertTrue(exposed.contains(name), name + " (in " + expr + ") is not exposed; exposed: " + exposed);
                }
            }
        }
    }
}
