// promtool accepts the Prometheus configurations and the alert rules, and runs the rules' unit tests (skipped, saying so, without promtool).
package io.neurostream.app.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PromtoolTest {
    static Path promtool() {
        return Tools.find("promtool");
    }

    private static void check(String... args) throws IOException, InterruptedException {
        Path promtool = promtool();
        assumeTrue(promtool != null, "promtool is not on the PATH (Debian: apt-get install prometheus); CI installs it");
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(OpsFiles.root().toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + output);
    }

    @Test
    void shouldAcceptThePrometheusConfigurations() throws Exception {
        check("check", "config", "ops/prometheus/prometheus.yml");
        check("check", "config", "ops/prometheus/prometheus-compose.yml");
    }

    @Test
    void shouldAcceptTheAlertRules() throws Exception {
        check("check", "rules", "ops/prometheus/alerts.yml");
    }

    /** ops/prometheus/alerts-test.yml: every alert fires on its condition, after its "for", and not on a healthy model. */
    @Test
    void shouldFireEachAlertOnItsConditionInPromtoolsRuleTests() throws Exception {
        check("test", "rules", "ops/prometheus/alerts-test.yml");
    }
}
