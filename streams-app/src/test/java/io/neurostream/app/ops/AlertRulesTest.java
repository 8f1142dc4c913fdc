// The alert rules: the eight conditions the runbook names, each with a severity and a summary.
package io.neurostream.app.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertRulesTest {
    @Test
    void shouldAlertOnLossAccuracyDriftDeadLettersQuarantineLagAndStalledSyncRounds() {
        List<String> alerts = OpsFiles.alertRules().stream().map(OpsFiles.Rule::alert).toList();

        assertEquals(List.of("NeurostreamLossNotFinite", "NeurostreamLossRising", "NeurostreamAccuracyFalling",
                "NeurostreamDriftDetected", "NeurostreamDeadLettersRising", "NeurostreamModelQuarantined", "NeurostreamConsumerLagGrowing",
                "NeurostreamSyncRoundsStalled"), alerts);
    }

    @Test
    void shouldGiveEveryAlertASeverityAndASummary() {
        for (JsonNode group : OpsFiles.yaml(OpsFiles.ops().resolve("prometheus/alerts.yml")).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.path("alert").asText();
                assertFalse(rule.path("labels").path("severity").asText().isEmpty(), name + " has a severity");
                assertFalse(rule.path("annotations").path("summary").asText().isEmpty(), name + " has a summary");
            }
        }
    }
}
