// Every Grafana query and alert rule against a real Prometheus scraping a training app (a replicated model among its models, so the
// Replicas row has data); three alerts made to fire on purpose.
package io.neurostream.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.neurostream.app.ops.OpsFiles;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.schemas.Sample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class PrometheusIT {
    private static final String MODEL = "mnist-mlp";
    /** A regression model whose targets are so large that their squared error overflows float32: every step's loss is infinite. */
    private static final String DIVERGING = "diverging";
    private static final String DIVERGING_SPEC = """
            {"name": "diverging", "input": {"shape": [2]},
             "layers": [{"type": "dense", "units": 1, "activation": "identity"}],
             "loss": "mean_squared_error", "optimizer": {"type": "sgd", "learning_rate": 0.01},
             "batch_size": 4, "seed": 1}""";
    private static final int SAMPLES = 3_200; // 100 batches of 32: every sample ends trained
    private static final int DRIFTED = 640; // then 20 batches whose labels are shifted by one: a drift
    private static final int REPLICA_ROUNDS = 4; // rounds the replicated model (ReplicaShards: R = 2, sync_every 4, batch 32) merges
    private static final String RATE_INTERVAL = "1m";
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(60);
    private static final Path LOGS = Path.of("target", "it-logs", "prometheus");

    @TempDir
    Path tmp;

    private static List<byte[]> divergingSamples(int n) {
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Sample s = Sample.newBuilder().setId("diverging-" + i).setEventTime(Instant.ofEpochMilli(LiveApp.BASE_TIME + i))
                    .setValues(List.of(0.5f, -0.5f)).setShape(List.of(2)).setTarget(List.of(1e30f)).build();
            out.add(NeurostreamSerdes.sample().encode(s));
        }
        return out;
    }

    private static List<byte[]> undecodable(int n) {
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(("not an avro record " + i).getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Queries until the answer satisfies {@code done} or the timeout; returns the last answer. */
    private static JsonNode awaitQuery(PrometheusServer prometheus, String promql, Predicate<JsonNode> done) throws InterruptedException {
        long deadline = System.nanoTime() + QUERY_TIMEOUT.toNanos();
        JsonNode answer = prometheus.query(promql);
        while (!done.test(answer) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            answer = prometheus.query(promql);
        }
        return answer;
    }

    /** Waits until every replica of the replicated model has applied {@code rounds} merged rounds. */
    private static void awaitRounds(LiveApp live, int rounds, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int s = 0; s < ReplicaShards.REPLICAS; s++) {
            while (true) {
                var gauge = live.app.registry().find("neurostream.sync.round").tags("model", ReplicaShards.MODEL, "replica", Integer.toString(s)).gauge();
                if (gauge != null && gauge.value() >= rounds) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("replica " + s + " of " + ReplicaShards.MODEL + " at round " + (gauge == null ? "none" : gauge.value())
                            + ", not " + rounds + ", after " + timeout);
                }
                Thread.sleep(200);
            }
        }
    }

    private static boolean nonEmpty(JsonNode answer) {
        return answer.path("status").asText().equals("success") && !answer.path("data").path("result").isEmpty();
    }

    private static boolean firing(JsonNode alerts, String name, String model) {
        for (JsonNode alert : alerts.path("data").path("alerts")) {
            if (alert.path("labels").path("alertname").asText().equals(name) && alert.path("labels").path("model").asText().equals(model)
                    && alert.path("state").asText().equals("firing")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void shouldAnswerEveryDashboardQueryAndFireTheNonFiniteLossDeadLetterAndDriftAlerts() throws Exception {
        assumeTrue(PrometheusServer.binary() != null, "prometheus is not on the PATH (Debian: apt-get install prometheus); CI installs it");
        Files.createDirectories(LOGS);

        try (LiveApp live = LiveApp.start(tmp.resolve("state"), "prom-it", 20);
             PrometheusServer prometheus = PrometheusServer.start(Files.createDirectories(tmp.resolve("prometheus")),
                     "127.0.0.1:" + live.app.httpPort(), LOGS.resolve("prometheus.log"))) {
            // 1. Training data for the dashboard's model, a model whose loss is infinite, a replicated model (two replicas that
            // merge through the sync topic: the Replicas row's meters) and a burst of undecodable records.
            live.spec(DIVERGING, DIVERGING_SPEC);
            ReplicaShards.sendSpecs(live.producer, live.topics.models(), 1, LiveApp.BASE_TIME - 1);
            ReplicaShards shards = ReplicaShards.forRounds(REPLICA_ROUNDS);
            for (int i = 0; i < shards.perShard; i++) {
                shards.send(live.producer, live.topics.samples(), 1, i, LiveApp.BASE_TIME + i);
            }
            live.samples(MODEL, MnistRecords.labelled(SAMPLES), 500, 200);
            live.samples(DIVERGING, divergingSamples(40), 0, 0);
            live.awaitTrained(MODEL, SAMPLES, Duration.ofSeconds(90));
            awaitRounds(live, REPLICA_ROUNDS, Duration.ofSeconds(90));
            live.samples(MODEL, MnistRecords.labelled(SAMPLES, DRIFTED, 1), 0, 0);
            live.awaitTrained(MODEL, SAMPLES + DRIFTED, Duration.ofSeconds(90));
            live.samples(MODEL, undecodable(50), 10, 200);
            String scraped = LiveApp.get(live.url("/metrics")).body();
            Files.writeString(LOGS.resolve("metrics.txt"), scraped);
            assertTrue(scraped.contains("neurostream_sync_rounds_total{"), "the replicated model's sync meters are scraped");

            // 2. Every dashboard query, with its variables set, returns data.
            Map<String, String> variables = Map.of("job", "neurostream", "model", MODEL, "replicated", ReplicaShards.MODEL);
            List<String> empty = new ArrayList<>();
            for (OpsFiles.PanelQuery query : OpsFiles.dashboardQueries()) {
                String promql = OpsFiles.substitute(query.expr(), variables, RATE_INTERVAL);
                JsonNode answer = awaitQuery(prometheus, promql, PrometheusIT::nonEmpty);
                if (!nonEmpty(answer)) {
                    empty.add(query.panel() + ": " + promql + " -> " + answer);
                }
            }
            for (Map.Entry<String, String> variable : OpsFiles.variableQueries().entrySet()) {
                // label_values(selector, label): the selector must have series carrying the label, the model's among them.
                String call = OpsFiles.substitute(variable.getValue(), Map.of("job", ".*"), RATE_INTERVAL);
                String selector = call.substring("label_values(".length(), call.lastIndexOf(','));
                String label = call.substring(call.lastIndexOf(',') + 1, call.length() - 1).trim();
                JsonNode answer = awaitQuery(prometheus, "count by (" + label + ") (" + selector + ")", PrometheusIT::nonEmpty);
                boolean found = answer.toString().contains(selector.contains("neurostream_sync_") ? "\"" + ReplicaShards.MODEL + "\""
                        : label.equals("model") ? MODEL : "neurostream");
                if (!found) {
                    empty.add("variable " + variable.getKey() + ": " + call + " -> " + answer);
                }
            }
            assertTrue(empty.isEmpty(), "dashboard queries without data:\n" + String.join("\n", empty));

            // 3. Every alert expression evaluates, and every metric it reads has data.
            List<String> problems = new ArrayList<>();
            TreeSet<String> metrics = new TreeSet<>();
            for (OpsFiles.Rule rule : OpsFiles.alertRules()) {
                JsonNode answer = prometheus.query(rule.expr());
                if (!answer.path("status").asText().equals("success")) {
                    problems.add(rule.alert() + ": " + answer);
                }
                metrics.addAll(OpsFiles.metricNames(rule.expr()));
            }
            for (String metric : metrics) {
                if (!nonEmpty(awaitQuery(prometheus, metric, PrometheusIT::nonEmpty))) {
                    problems.add("no data for " + metric);
                }
            }
            for (JsonNode group : prometheus.get("/api/v1/rules").path("data").path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    if (!rule.path("health").asText().equals("ok")) {
                        problems.add(rule.path("name").asText() + " evaluates with " + rule.path("health").asText() + ": " + rule.path("lastError").asText());
                    }
                }
            }
            assertTrue(problems.isEmpty(), String.join("\n", problems));

            // 4. The three conditions produced on purpose fire their alerts.
            long deadline = System.nanoTime() + QUERY_TIMEOUT.toNanos();
            JsonNode alerts = prometheus.alerts();
            while (!(firing(alerts, "NeurostreamLossNotFinite", DIVERGING) && firing(alerts, "NeurostreamDeadLettersRising", MODEL)
                    && firing(alerts, "NeurostreamDriftDetected", MODEL))
                    && System.nanoTime() < deadline) {
                Thread.sleep(500);
                alerts = prometheus.alerts();
            }
            Files.writeString(LOGS.resolve("alerts.json"), alerts.toPrettyString());
            assertTrue(firing(alerts, "NeurostreamLossNotFinite", DIVERGING), "non-finite loss alert: " + alerts);
            assertTrue(firing(alerts, "NeurostreamDeadLettersRising", MODEL), "dead letters alert: " + alerts);
            assertTrue(firing(alerts, "NeurostreamDriftDetected", MODEL), "drift alert: " + alerts);
            assertEquals(10.0, live.app.registry().get("neurostream.steps.skipped").tag("model", DIVERGING).counter().count(),
                    "40 samples in batches of 4: every step skipped");
            assertTrue(!firing(alerts, "NeurostreamLossNotFinite", MODEL), "the healthy model does not alert");
        }
    }
}
