// The README's main job, bounded: `neurostream demo` trains on streamed MNIST and accounts for every sample.
package io.neurostream.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
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

    @Test
    void shouldRefuseABadDurationInOneLine() {
        CommandRun run = CommandRun.of("demo", "--duration", "soon");
        assertEquals(2, run.exitCode());
        assertTrue(run.errLine().contains("'soon' is not a duration"), run.err());
    }
}
