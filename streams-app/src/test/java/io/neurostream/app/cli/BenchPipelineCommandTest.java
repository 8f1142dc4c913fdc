// `neurostream bench pipeline`: pass options are one-line errors with exit code 2 before any broker starts; the output's figures.
package io.neurostream.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurostream.app.bench.PipelineBench;
import org.junit.jupiter.api.Test;

class BenchPipelineCommandTest {

    @Test
    void badPassCountsAreOneLineErrors() {
        CommandRun none = CommandRun.of("bench", "pipeline", "--passes", "0");
        CommandRun negative = CommandRun.of("bench", "pipeline", "--warmup-passes", "-1");

        assertEquals(2, none.exitCode());
        assertEquals("neurostream bench pipeline: --passes must be >= 1, got 0", none.errLine());
        assertEquals(2, negative.exitCode());
        assertEquals("neurostream bench pipeline: --warmup-passes must be >= 0, got -1", negative.errLine());
    }

    private static final PipelineBench.Result RESULT = new PipelineBench.Result("mnist-mlp", 32, 10_000,
            new PipelineBench.Passes(20_000, 19_000, 22_000), new PipelineBench.Passes(40_000, 36_000, 41_000), 50_000);

    /** Each median with the range of its timed passes beside it. */
    @Test
    void theSummaryGivesEachMedianWithTheRangeOfItsPasses() {
        assertEquals("mnist-mlp batch 32, 10,000 samples: end to end 20,000 samples/s (passes 19,000-22,000, spread 15%) = 50% of "
                + "pass-through 40,000 samples/s (passes 36,000-41,000, spread 13%); offline 50,000 samples/s", BenchPipelineCommand.summary(RESULT));
    }

    /** The JSON keeps the keys it had (the medians) and adds each stage's slowest and fastest pass and their spread. */
    @Test
    void theJsonKeepsItsKeysAndAddsTheRangeOfThePasses() throws Exception {
        JsonNode json = new ObjectMapper().readTree(BenchPipelineCommand.json(RESULT));

        assertEquals("mnist-mlp", json.get("model").asText());
        assertEquals(32, json.get("batch").asInt());
        assertEquals(10_000, json.get("samples").asInt());
        assertEquals(20_000, json.get("end_to_end_samples_per_second").asDouble());
        assertEquals(40_000, json.get("pass_through_samples_per_second").asDouble());
        assertEquals(50_000, json.get("offline_samples_per_second").asDouble());
        assertEquals(0.5, json.get("end_to_end_over_pass_through").asDouble());
        assertEquals(19_000, json.get("end_to_end_min_samples_per_second").asDouble());
        assertEquals(22_000, json.get("end_to_end_max_samples_per_second").asDouble());
        assertEquals(0.15, json.get("end_to_end_spread").asDouble(), 1e-12);
        assertEquals(36_000, json.get("pass_through_min_samples_per_second").asDouble());
        assertEquals(41_000, json.get("pass_through_max_samples_per_second").asDouble());
        assertEquals(0.125, json.get("pass_through_spread").asDouble(), 1e-12);
        assertEquals(13, json.size());
    }
}
