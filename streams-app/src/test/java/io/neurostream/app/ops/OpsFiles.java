// The repository's ops/ folder and readers of its files, shared by the structure tests and the Prometheus IT.
package io.neurostream.app.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class OpsFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Metric names in PromQL: every metric neurostream exposes starts with one of these. */
    private static final Pattern METRIC = Pattern.compile("\\b(?:neurostream|kafka|jvm|process|system)_[a-z0-9_]+\\b");

    private OpsFiles() {}

    /** The repository root: the first folder upwards from the working directory that holds ops/ and pom.xml. */
    public static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("ops")) && Files.exists(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no ops/ folder above " + Path.of("").toAbsolutePath());
    }

    public static Path ops() {
        return root().resolve("ops");
    }

    public static JsonNode yaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    public static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    public static JsonNode dashboard() {
        return json(ops().resolve("grafana/dashboards/neurostream.json"));
    }

    /** One query of a dashboard panel. */
    public record PanelQuery(String panel, String expr) {}

    /** Every PromQL expression of the dashboard's panels (rows' nested panels included), in order. */
    public static List<PanelQuery> dashboardQueries() {
        List<PanelQuery> out = new ArrayList<>();
        collect(dashboard().path("panels"), out);
        return out;
    }

    private static void collect(JsonNode panels, List<PanelQuery> out) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                out.add(new PanelQuery(panel.path("title").asText(), target.path("expr").asText()));
            }
            collect(panel.path("panels"), out);
        }
    }

    /** The template variables' queries, e.g. label_values(neurostream_model_step{job=~"$job"}, model). */
    public static Map<String, String> variableQueries() {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode variable : dashboard().path("templating").path("list")) {
            JsonNode query = variable.path("query");
            out.put(variable.path("name").asText(), query.isObject() ? query.path("query").asText() : query.asText());
        }
        return out;
    }

    /** Replaces Grafana's variables: {@code $name} and {@code ${name}} from values, {@code $__rate_interval} and friends by rateInterval. */
    public static String substitute(String expr, Map<String, String> values, String rateInterval) {
        String out = expr.replace("$__rate_interval", rateInterval).replace("$__interval", rateInterval).replace("$__range", rateInterval);
        for (Map.Entry<String, String> e : values.entrySet()) {
            out = out.replace("${" + e.getKey() + "}", e.getValue()).replace("$" + e.getKey(), e.getValue());
        }
        if (out.contains("$")) {
            throw new IllegalArgumentException("a variable is left in " + out);
        }
        return out;
    }

    /** One alerting rule. */
    public record Rule(String group, String alert, String expr, String forDuration) {}

    public static List<Rule> alertRules() {
        List<Rule> out = new ArrayList<>();
        for (JsonNode group : yaml(ops().resolve("prometheus/alerts.yml")).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                out.add(new Rule(group.path("name").asText(), rule.path("alert").asText(), rule.path("expr").asText(),
                        Optional.ofNullable(rule.get("for")).map(JsonNode::asText).orElse("0s")));
            }
        }
        return out;
    }

    /** The metric names an expression reads. */
    public static TreeSet<String> metricNames(String expr) {
        TreeSet<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }
}
