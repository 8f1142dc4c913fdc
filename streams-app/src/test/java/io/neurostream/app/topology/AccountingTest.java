// After any mix of good and bad records: trained + predicted-only + dead-lettered = produced, and the counters agree.
package io.neurostream.app.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.neurostream.core.rng.Rng;
import io.neurostream.schemas.DeadLetter;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.TrainingMetrics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccountingTest {
    private static final Map<String, Integer> BATCH = Map.of("logic-and", 4, "circle", 16);
    private static final List<String> MODELS = List.of("logic-and", "circle");

    @TempDir
    Path stateDir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void shouldAccountForEveryRecordExactlyOnce(long seed) {
        Rng rng = new Rng(seed);
        Map<String, Integer> labelled = new HashMap<>();
        Map<String, Integer> unlabelled = new HashMap<>();
        Map<String, Integer> badForModel = new HashMap<>();
        int bad = 0;
        int produced = 0;
        try (TopologyHarness h = new TopologyHarness(stateDir, Map.of())) {
            for (int i = 0; i < 400; i++) {
                String model = MODELS.get(rng.nextInt(2));
                double u = rng.nextDouble();
                String id = "r" + i;
                if (u < 0.6) {
                    h.send(model, Samples.bytes(Samples.values(id, (float) rng.nextDouble(), (float) rng.nextDouble()).setLabel(rng.nextInt(2))));
                    labelled.merge(model, 1, Integer::sum);
                } else if (u < 0.75) {
                    h.send(model, Samples.bytes(Samples.values(id, (float) rng.nextDouble(), (float) rng.nextDouble())));
                    unlabelled.merge(model, 1, Integer::sum);
                } else {
                    int kind = rng.nextInt(4);
                    switch (kind) {
                        case 0 -> h.send(model, new byte[] {9, 9, 9});
                        case 1 -> h.send(model, Samples.bytes(Samples.values(id, 1, 2, 3).setLabel(0)));
                        case 2 -> h.send(model, Samples.bytes(Samples.values(id, 1, Float.NaN)));
                        default -> h.send("ghost-" + rng.nextInt(3), Samples.bytes(Samples.values(id, 1, 1).setLabel(0)));
                    }
                    bad++;
                    if (kind != 3) {
                        badForModel.merge(model, 1, Integer::sum);
                    }
                }
                produced++;
            }
            for (String model : MODELS) {
                // end each model on a full batch, so its last metrics record counts everything before it
                int pad = BATCH.get(model) - labelled.getOrDefault(model, 0) % BATCH.get(model);
                for (int p = 0; p < pad; p++) {
                    h.send(model, Samples.bytes(Samples.values("pad" + produced, 0.5f, 0.5f).setLabel(1)));
                    labelled.merge(model, 1, Integer::sum);
                    produced++;
                }
            }
            List<Prediction> predictions = h.predictions();
            List<DeadLetter> dead = h.deadLetters();
            Map<String, TrainingMetrics> lastMetrics = h.metricsRecords().stream()
                    .collect(Collectors.toMap(m -> m.getModel(), Function.identity(), (a, b) -> b));

            long trained = predictions.stream().filter(p -> p.getLabel() != null).count();
            long predictedOnly = predictions.stream().filter(p -> p.getLabel() == null).count();
            assertEquals(produced, trained + predictedOnly + dead.size(), "every record ends exactly once");
            assertEquals(bad, dead.size());
            assertEquals(produced, predictions.stream().map(Prediction::getSampleId).distinct().count() + dead.size(), "no prediction twice");
            for (String model : MODELS) {
                TrainingMetrics m = lastMetrics.get(model);
                assertEquals((long) labelled.get(model), m.getSamplesTrained(), model + " trained");
                assertEquals(predictions.stream().filter(p -> p.getModel().equals(model) && p.getLabel() == null).count(), m.getSamplesPredicted(), model + " predicted");
                assertEquals((long) badForModel.getOrDefault(model, 0), m.getSamplesDeadLettered(), model + " dead-lettered");
                assertEquals(labelled.get(model), h.counter("neurostream.samples.trained", "model", model), 0.0);
            }
            assertEquals(bad, h.counter("neurostream.samples.dead.lettered"), 0.0);
            assertEquals(predictedOnly, h.counter("neurostream.samples.predicted"), 0.0);
        }
    }
}
