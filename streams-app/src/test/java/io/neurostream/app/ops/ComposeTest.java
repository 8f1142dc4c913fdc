// ops/docker-compose.yml read as YAML (no Docker engine here): services, images, ports, and that every mounted file exists.
package io.neurostream.app.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ComposeTest {
    private final JsonNode services = OpsFiles.yaml(OpsFiles.ops().resolve("docker-compose.yml")).path("services");

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void shouldRunKafkaTheAppPrometheusAndGrafana() {
        Set<String> names = new TreeSet<>();
        services.fieldNames().forEachRemaining(names::add);
        assertEquals(Set.of("kafka", "app", "prometheus", "grafana"), names);
        assertTrue(services.path("kafka").path("image").asText().startsWith("apache/kafka:"));
        assertTrue(services.path("app").path("image").asText().startsWith("eclipse-temurin:17"));
        assertTrue(services.path("prometheus").path("image").asText().startsWith("prom/prometheus:"));
        assertTrue(services.path("grafana").path("image").asText().startsWith("grafana/grafana:"));
        assertTrue(texts(services.path("app").path("ports")).contains("127.0.0.1:9464:9464"));
        assertTrue(texts(services.path("prometheus").path("ports")).contains("127.0.0.1:9090:9090"));
        assertTrue(texts(services.path("grafana").path("ports")).contains("127.0.0.1:3000:3000"));
    }

    @Test
    void shouldPublishEveryPortOnTheLoopbackInterfaceOnly() {
        int published = 0;
        for (JsonNode service : services) {
            for (String port : texts(service.path("ports"))) {
                assertTrue(port.startsWith("127.0.0.1:"), "published beyond the host's loopback interface: " + port);
                published++;
            }
        }
        assertEquals(4, published, "Kafka's external listener, the app's HTTP server, Prometheus and Grafana");
        assertTrue(texts(services.path("kafka").path("ports")).contains("127.0.0.1:9094:9094"));
    }

    @Test
    void shouldRunTheJarAgainstTheKafkaServiceServingMetricsOnAllInterfaces() {
        List<String> command = texts(services.path("app").path("command"));
        assertEquals(List.of("java", "--add-modules", "jdk.incubator.vector", "-jar", "/app/neurostream.jar", "run", "--bootstrap-servers",
                "kafka:9092"), command.subList(0, 8));
        assertTrue(command.contains("neurostream.http.host=0.0.0.0"), command.toString());
        assertTrue(command.contains("neurostream.http.port=9464"), command.toString());
        String listeners = services.path("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText();
        assertTrue(listeners.contains("PLAINTEXT://kafka:9092"), listeners);
        assertTrue(services.path("kafka").path("environment").path("KAFKA_PROCESS_ROLES").asText().contains("controller"), "KRaft");
    }

    @Test
    void shouldMountFilesThatExistInTheRepository() throws Exception {
        Path ops = OpsFiles.ops();
        int mounts = 0;
        for (JsonNode service : services) {
            for (String volume : texts(service.path("volumes"))) {
                String source = volume.split(":")[0];
                if (!source.startsWith(".")) {
                    continue; // a named volume
                }
                Path path = ops.resolve(source).normalize();
                if (source.endsWith("streams-app/target/neurostream.jar")) {
                    String pom = Files.readString(OpsFiles.root().resolve("streams-app/pom.xml"));
                    assertTrue(pom.contains("<finalName>neurostream</finalName>"), "the shaded jar is target/neurostream.jar");
                } else {
                    assertTrue(Files.exists(path), volume + ": " + path + " exists");
                }
                mounts++;
            }
        }
        assertTrue(mounts >= 6, "mounts checked: " + mounts);
    }

    @Test
    void shouldPointPrometheusAtTheAppAndGrafanaAtPrometheus() {
        JsonNode compose = OpsFiles.yaml(OpsFiles.ops().resolve("prometheus/prometheus-compose.yml"));
        JsonNode local = OpsFiles.yaml(OpsFiles.ops().resolve("prometheus/prometheus.yml"));
        assertEquals("app:9464", compose.path("scrape_configs").get(0).path("static_configs").get(0).path("targets").get(0).asText());
        assertEquals("localhost:9464", local.path("scrape_configs").get(0).path("static_configs").get(0).path("targets").get(0).asText());
        assertEquals(local.path("rule_files"), compose.path("rule_files"));
        assertEquals(local.path("global"), compose.path("global"));
        String datasource = OpsFiles.yaml(OpsFiles.ops().resolve("grafana/provisioning/datasources/prometheus.yml"))
                .path("datasources").get(0).path("url").asText();
        assertEquals("http://prometheus:9090", datasource);
        String dashboards = OpsFiles.yaml(OpsFiles.ops().resolve("grafana/provisioning/dashboards/neurostream.yml"))
                .path("providers").get(0).path("options").path("path").asText();
        assertTrue(texts(services.path("grafana").path("volumes")).contains("./grafana/dashboards:" + dashboards + ":ro"), dashboards);
    }
}
