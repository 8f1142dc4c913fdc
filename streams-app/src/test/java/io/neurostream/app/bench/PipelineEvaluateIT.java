// bench pipeline --evaluate on a real broker: each run's model — published by one replica, merged from the sync topic for two —
// is the trained one (far above the ~10% of the untrained weights) and the one the run's rounds say.
package io.neurostream.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.produce.MnistSource;
import io.neurostream.app.records.ReplicaKeys;
import io.neurostream.core.bench.ModelBench;
import io.neurostream.core.data.DataLocator;
import io.neurostream.core.data.Mnist;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class PipelineEvaluateIT {
    private static final int SAMPLES = 4_000;
    private static final int SYNC_EVERY = 5;

    @Test
    void shouldScoreTheModelEachRunTrainedOnTheTestSet() throws Exception {
        Path mnist = DataLocator.locate().resolve("mnist");
        ModelSpec spec = Presets.load("mnist-mlp");
        StringWriter log = new StringWriter();
        PipelineBench bench = new PipelineBench(new PrintWriter(log), Map.of(), 0, 1);

        PipelineBench.Result result = bench.run(spec, SAMPLES, mnist, new ModelBench(0.1, 0.1, 1), List.of(1, 2), List.of(SYNC_EVERY), true);

        double untrained = TestEvaluation.score(false, 0, 0, Network.create(spec), Mnist.test(mnist)).accuracy();
        assertTrue(untrained < 0.3, "the initial weights guess: " + untrained);

        PipelineBench.TestScore one = result.scales().get(0).test();
        assertFalse(one.merged());
        assertEquals(SAMPLES / spec.batchSize(), one.version(), "the version published after the last batch: " + log);
        assertEquals(SAMPLES - SAMPLES % spec.batchSize(), one.samples());
        assertEquals(10_000, one.examples());
        assertTrue(one.accuracy() > 0.8, "one pass over 4,000 samples: " + one + "\n" + log);

        PipelineBench.TestScore two = result.scales().get(1).test();
        MnistSource source = MnistSource.load(mnist, Mnist.Split.TRAIN, true);
        int[] shards = new int[2];
        for (int i = 0; i < SAMPLES; i++) {
            shards[ReplicaKeys.shardOf(source.sample(i, 0).getId(), 2)]++;
        }
        assertTrue(two.merged());
        assertEquals(PipelineBench.lastCommonRound(1, shards, spec.batchSize(), SYNC_EVERY), two.version(), "the last round both shards completed");
        assertTrue(two.version() >= 10, "rounds of 160 samples over shards of ~2,000: " + two);
        assertEquals((two.version() + 1) * 2 * SYNC_EVERY * spec.batchSize(), two.samples(), "both shards' samples of every round merged");
        assertTrue(two.accuracy() > 0.8, "the merged model of one pass over 4,000 samples: " + two + "\n" + log);
    }
}
