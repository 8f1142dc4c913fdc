// The README's main job, bounded: `neurostream demo` trains on streamed MNIST and accounts for every sample.
package io.neurostream.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class DemoCommandIT {

    @Test
    void shouldTrainOnTheTrainingImagesPredictTheTestImagesAndSummariseInJson() throws Exception {
        CommandRun run = CommandRun.of("demo", "--samples", "2000", "--test-samples", "300", "--http-port", "0", "--progress-every", "1s", "--json");

        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("demo: live page http://127.0.0.1:")), "names the live page: " + run.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\[ *\\d+s] produced .* trained .* loss .* accuracy .*")), "progress lines: " + run.out());
        JsonNode summary = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertEquals("mnist-mlp", summary.get("model").asText());
        assertEquals("all-accounted", summary.get("stopped_by").asText());
        assertEquals(2300, summary.get("samples_produced").asLong());
        assertEquals(2000 - 2000 % 32, summary.get("trained").asLong(), "all but the last incomplete batch of 32");
        assertEquals(300, summary.get("predicted").asLong(), "the unlabelled test images are predicted only");
        assertEquals(0, summary.get("dead_lettered").asLong());
        assertEquals(2000 / 32, summary.get("model_step").asLong());
        assertTrue(summary.get("prequential_accuracy_window").asDouble() > 0.8, "learns: " + summary);
    }

    /** demo --models: two models on one stream, each trains on every image and predicts every test image; a summary line each. */
    @Test
    void shouldTrainSeveralModelsSideBySideOnOneStream() throws Exception {
        CommandRun run = CommandRun.of("demo", "--models", "mnist-mlp,lenet5", "--samples", "640", "--test-samples", "64", "--http-port", "0",
                "--progress-every", "1s", "--json");

        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.matches("lenet5 \\[ *\\d+s] produced .* trained .*")), "a progress line per model: " + run.out());
        ObjectMapper json = new ObjectMapper();
        List<String> models = List.of("mnist-mlp", "lenet5");
        for (int i = 0; i < 2; i++) {
            JsonNode summary = json.readTree(lines.get(lines.size() - 2 + i));
            assertEquals(models.get(i), summary.get("model").asText());
            assertEquals("all-accounted", summary.get("stopped_by").asText());
            assertEquals(704, summary.get("samples_produced").asLong());
            assertEquals(640, summary.get("trained").asLong(), "every image of the stream, in batches of 32");
            assertEquals(64, summary.get("predicted").asLong());
            assertEquals(0, summary.get("dead_lettered").asLong());
        }
    }

    @Test
    void shouldStopCleanlyOnSigtermWithASummary() throws Exception {
        Path log = Path.of("target", "it-logs", "demo-sigterm.log");
        Files.createDirectories(log.getParent());
        Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "demo", "--rate", "300/s", "--http-port", "0", "--progress-every", "1s")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!Files.readString(log).matches("(?s).*\\[ *\\d+s] produced .* trained [1-9].*") && System.nanoTime() < deadline) {
                assertTrue(demo.isAlive(), "demo exited early:\n" + Files.readString(log));
                Thread.sleep(200);
            }
            demo.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the shutdown hook lets the demo finish cleanly
            assertTrue(demo.waitFor(90, TimeUnit.SECONDS), "demo still running 90 s after SIGTERM");
        } finally {
            demo.destroyForcibly();
        }
        String out = Files.readString(log);
        assertTrue(out.contains("(signal):"), "a summary that names the signal:\n" + out);
        assertTrue(out.contains("PENDING_SHUTDOWN -> NOT_RUNNING"), "Kafka Streams closed cleanly:\n" + out);
        assertTrue(out.contains("EmbeddedKafka - Kafka at") && out.contains("stopped"), "the broker stopped:\n" + out);
        assertFalse(out.contains("Using an OS temp directory in the state.dir"), "the state stores are not under the temporary folder:\n" + out);
        assertFalse(out.contains("Processing exception handler is not enabled"), "processing.exception.handler.global.enabled reaches every "
                + "StreamsConfig Kafka Streams builds:\n" + out);
    }

    @Test
    void shouldRefuseABadDurationInOneLine() {
        CommandRun run = CommandRun.of("demo", "--duration", "soon");
        assertEquals(2, run.exitCode());
        assertTrue(run.errLine().contains("'soon' is not a duration"), run.err());
    }
}
