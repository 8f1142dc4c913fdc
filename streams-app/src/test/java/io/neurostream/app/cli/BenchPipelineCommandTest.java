// `neurostream bench pipeline`: pass options are one-line errors with exit code 2 before any broker starts; the output's figures.
package io.neurostream.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurostream.app.bench.PipelineBench;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BenchPipelineCommandTest {

    /** Bad pass counts, replica counts and sync intervals, and a model that cannot take MNIST images. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            --passes        | 0     | --passes must be >= 1, got 0
            --warmup-passes | -1    | --warmup-passes must be >= 0, got -1
            --replicas      | 1,0   | --replicas counts must be between 1 and 256, got 0
            --replicas      | 2,2   | --replicas lists a count twice: [2, 2]
            --sync-every    | 10,0  | --sync-every values must be >= 1, got 0
            --sync-every    | 10,10 | --sync-every lists a value twice: [10, 10]
            --model         | char-lstm | --model char-lstm: bench pipeline streams MNIST images (784 pixel values), and this model's input is tokens [64]; use a model with 784 inputs
            --model         | xor   | --model xor: bench pipeline streams MNIST images (784 pixel values), and this model's input is [2]; use a model with 784 inputs
            """)
    void badOptionValuesAreOneLineErrors(String option, String value, String error) {
        CommandRun run = CommandRun.of("bench", "pipeline", option, value);

        assertEquals(2, run.exitCode());
        assertEquals("neurostream bench pipeline: " + error, run.errLine());
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

    private static final PipelineBench.Result SCALED = new PipelineBench.Result("lenet5", 32, 4_000, List.of(
            new PipelineBench.Scale(1, 1, new PipelineBench.Passes(1_000, 900, 1_100), null),
            new PipelineBench.Scale(2, 2, new PipelineBench.Passes(1_700, 1_600, 1_800), new PipelineBench.Sync(10, 12, 500_000, 40, 0))),
            new PipelineBench.Passes(40_000, 36_000, 41_000), 5_000);

    /** --replicas: a line per count with its ratio to R = 1 and, when replicated, the sync cost per round. */
    @Test
    void eachReplicaCountHasALineWithItsRatioAndSyncCost() {
        assertEquals("R=1 (1 partition(s)): end to end 1,000 samples/s (passes 900-1,100, spread 20%) = 1.00x R=1",
                BenchPipelineCommand.scaleLine(SCALED, SCALED.scales().get(0)));
        assertEquals("R=2 (2 partition(s)): end to end 1,700 samples/s (passes 1,600-1,800, spread 12%) = 1.70x R=1; sync every 10: 12 rounds, "
                + "500,000 bytes written per round, mean wait 40.0 ms per round, 0 closed by timeout", BenchPipelineCommand.scaleLine(SCALED, SCALED.scales().get(1)));
    }

    /** With --replicas the JSON keeps every key (of the first run) and adds "replicas"; without, it is as before (13 keys). */
    @Test
    void theJsonListsEveryReplicaCountAfterTheKeysOfBefore() throws Exception {
        JsonNode json = new ObjectMapper().readTree(BenchPipelineCommand.json(SCALED, true));

        assertEquals(14, json.size());
        assertEquals(1_000, json.get("end_to_end_samples_per_second").asDouble());
        JsonNode two = json.get("replicas").get(1);
        assertEquals(2, two.get("replicas").asInt());
        assertEquals(2, two.get("partitions").asInt());
        assertEquals(1_700, two.get("end_to_end_samples_per_second").asDouble());
        assertEquals(1.7, two.get("ratio_to_one_replica").asDouble(), 1e-12);
        assertEquals(12, two.get("sync").get("rounds").asLong());
        assertEquals(500_000, two.get("sync").get("bytes_per_round").asDouble());
        assertEquals(40, two.get("sync").get("mean_wait_ms_per_round").asDouble());
        assertEquals(null, json.get("replicas").get(0).get("sync"));
        assertEquals(13, new ObjectMapper().readTree(BenchPipelineCommand.json(SCALED)).size());
    }

    private static final PipelineBench.Result EVALUATED = new PipelineBench.Result("lenet5", 32, 60_000, List.of(
            new PipelineBench.Scale(1, 1, new PipelineBench.Passes(1_000, 900, 1_100), null,
                    new PipelineBench.TestScore(false, 1_875, 60_000, 0.9874, 0.0412, 10_000)),
            new PipelineBench.Scale(2, 2, new PipelineBench.Passes(1_700, 1_600, 1_800), new PipelineBench.Sync(10, 93, 500_000, 40, 0),
                    new PipelineBench.TestScore(true, 92, 59_520, 0.9868, 0.0431, 10_000))),
            new PipelineBench.Passes(40_000, 36_000, 41_000), 5_000);

    /** --evaluate: a line per run says which model was scored (a published step, or the merged model of a round) and its accuracy. */
    @Test
    void eachEvaluatedRunSaysWhichModelItScoredAndItsAccuracy() {
        assertEquals("R=1: published version at step 1875 (60,000 samples in it), after 1 pass(es) over 60,000 samples: test accuracy 98.74% (loss 0.0412) on "
                + "10,000 MNIST test images", BenchPipelineCommand.testLine(EVALUATED, 1, EVALUATED.scales().get(0)));
        assertEquals("R=2, sync every 10: merged model of round 92 (59,520 samples in it), after 1 pass(es) over 60,000 samples: test accuracy 98.68% (loss 0.0431) "
                + "on 10,000 MNIST test images", BenchPipelineCommand.testLine(EVALUATED, 1, EVALUATED.scales().get(1)));
    }

    /** --evaluate adds "test" to the first run's keys and to each run of "replicas"; without it, no key changes. */
    @Test
    void theJsonCarriesEachRunsTestScore() throws Exception {
        JsonNode json = new ObjectMapper().readTree(BenchPipelineCommand.json(EVALUATED, true));

        assertEquals(15, json.size());
        assertEquals("published", json.get("test").get("model").asText());
        assertEquals(1_875, json.get("test").get("step").asLong());
        assertEquals(60_000, json.get("test").get("samples_in_model").asLong());
        assertEquals(0.9874, json.get("test").get("accuracy").asDouble());
        JsonNode two = json.get("replicas").get(1).get("test");
        assertEquals("merged", two.get("model").asText());
        assertEquals(92, two.get("round").asLong());
        assertEquals(0.9868, two.get("accuracy").asDouble());
        assertEquals(0.0431, two.get("loss").asDouble());
        assertEquals(10_000, two.get("examples").asLong());
        assertEquals(null, new ObjectMapper().readTree(BenchPipelineCommand.json(SCALED, true)).get("test"));
    }
}
