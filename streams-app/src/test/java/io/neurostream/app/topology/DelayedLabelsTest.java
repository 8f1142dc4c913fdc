// Delayed labels: an unlabelled sample is predicted and kept; its label trains it later and scores the prediction made when it arrived.
package io.neurostream.app.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.core.rng.Rng;
import io.neurostream.schemas.DeadLetter;
import io.neurostream.schemas.Label;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.TrainingMetrics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DelayedLabelsTest {
    private static final String AND = "logic-and"; // one sigmoid output, half squared error, batch of 4
    private static final long T0 = 1_700_000_000_000L;
    private static final Map<String, String> DELAYED = Map.of(NeurostreamConfig.LABELS_MAX_DELAY.name(), "10000",
            NeurostreamConfig.PREDICTION_MAX_DELAY.name(), "0");

    @TempDir
    Path stateDir;

    static byte[] label(String id, Integer label) {
        return NeurostreamSerdes.label().encode(Label.newBuilder().setId(id).setLabel(label).setEventTime(Instant.ofEpochMilli(T0)).build());
    }

    private static byte[] unlabelled(String id, int a, int b) {
        return Samples.bytes(Samples.values(id, a, b));
    }

    @Test
    void shouldTrainASampleWhenItsLabelArrivesAndScoreThePredictionMadeOnArrival() {
        try (TopologyHarness h = new TopologyHarness(stateDir, DELAYED)) {
            for (int i = 0; i < 4; i++) {
                h.sendAt(AND, unlabelled("u" + i, i >> 1, i & 1), T0 + i);
            }
            List<Prediction> onArrival = h.predictions();
            assertEquals(4, onArrival.size());
            assertTrue(onArrival.stream().allMatch(p -> p.getLabel() == null && p.getModelStep() == 0));
            assertEquals(0.0, h.counter("neurostream.samples.predicted", "model", AND), "kept samples are not predicted-only");
            assertEquals(4.0, h.gauge("neurostream.labels.pending", "model", AND));

            for (int i = 0; i < 4; i++) { // a batch of labelled samples: the model moves to step 1
                h.sendAt(AND, Samples.andRow("l" + i, i >> 1, i & 1), T0 + 10 + i);
            }
            assertTrue(h.predictions().stream().allMatch(p -> p.getModelStep() == 0 && p.getLabel() != null));
            assertEquals(1, h.metricsRecords().size());

            for (int i = 3; i >= 0; i--) { // labels in another order than the samples
                h.sendLabelAt(AND, label("u" + i, (i >> 1) & (i & 1)), T0 + 20 + (3 - i));
            }
            List<Prediction> outcomes = h.predictions();
            assertEquals(List.of("u3", "u2", "u1", "u0"), outcomes.stream().map(Prediction::getSampleId).toList(), "one outcome per label, none from the batch");
            Map<String, Prediction> arrival = onArrival.stream().collect(Collectors.toMap(Prediction::getSampleId, p -> p));
            for (Prediction outcome : outcomes) {
                Prediction first = arrival.get(outcome.getSampleId());
                assertEquals(0, outcome.getModelStep(), "scored with the model that predicted it on arrival, not the one at step 1");
                assertEquals(first.getOutputs(), outcome.getOutputs());
                float o = first.getOutputs().get(0);
                double d = outcome.getLabel();
                assertEquals(0.5f * (float) ((o - d) * (o - d)), outcome.getLoss(), 1e-7, "½(o − d)² of the kept output");
            }
            List<TrainingMetrics> metrics = h.metricsRecords();
            assertEquals(1, metrics.size(), "the four labelled samples made a batch");
            assertEquals(2, metrics.get(0).getStep());
            assertEquals(8, metrics.get(0).getSamplesTrained());
            assertEquals(0, metrics.get(0).getSamplesPredicted());
            assertEquals(8.0, h.counter("neurostream.samples.trained", "model", AND));
            assertEquals(4.0, h.counter("neurostream.labels.applied", "model", AND));
            assertEquals(0.0, h.gauge("neurostream.labels.pending", "model", AND));
            assertEquals(List.of(), h.deadLetters());
        }
    }

    @Test
    void shouldScoreTheKeptPredictionsInThePrequentialFigures() {
        // the same samples, labelled on arrival vs. labelled later by the model that had not moved: the same figures
        Map<String, String> now = Map.of(NeurostreamConfig.PREDICTION_MAX_DELAY.name(), "0");
        double onArrival;
        double later;
        try (TopologyHarness h = new TopologyHarness(stateDir.resolve("a"), now)) {
            for (int i = 0; i < 4; i++) {
                h.sendAt(AND, Samples.andRow("u" + i, i >> 1, i & 1), T0 + i);
            }
            onArrival = h.metricsRecords().get(0).getPrequentialLossFading();
        }
        try (TopologyHarness h = new TopologyHarness(stateDir.resolve("b"), DELAYED)) {
            for (int i = 0; i < 4; i++) {
                h.sendAt(AND, unlabelled("u" + i, i >> 1, i & 1), T0 + i);
            }
            for (int i = 0; i < 4; i++) {
                h.sendLabelAt(AND, label("u" + i, (i >> 1) & (i & 1)), T0 + 10 + i);
            }
            later = h.metricsRecords().get(0).getPrequentialLossFading();
        }
        assertEquals(onArrival, later, 1e-6, "fading prequential loss of the same predictions");
    }

    @Test
    void shouldDeadLetterLabelsForUnknownOrExpiredSamples() {
        try (TopologyHarness h = new TopologyHarness(stateDir, DELAYED)) {
            h.sendLabelAt(AND, label("ghost", 1), T0);
            h.sendAt(AND, unlabelled("old", 1, 1), T0 + 1);
            h.sendAt(AND, unlabelled("young", 1, 0), T0 + 9_000);
            h.sendAt(AND, unlabelled("next", 0, 0), T0 + 10_001); // 'old' waited 10,000 ms of stream time: not more
            assertEquals(0.0, h.counter("neurostream.labels.expired", "model", AND));
            h.sendAt(AND, unlabelled("late", 0, 1), T0 + 10_002); // now more
            assertEquals(1.0, h.counter("neurostream.labels.expired", "model", AND));
            assertEquals(1.0, h.counter("neurostream.samples.predicted", "model", AND), "an expired sample ends predicted only");
            h.sendLabelAt(AND, label("old", 1), T0 + 10_003);
            h.sendLabelAt(AND, label("young", 0), T0 + 10_004);
            h.sendLabelAt(AND, label("young", 0), T0 + 10_005); // again: its sample is no longer kept
            h.sendLabelAt(AND, label("next", 7), T0 + 10_006);  // not a class: the sample waits on
            h.sendLabelAt(AND, label("next", null), T0 + 10_007);
            h.sendLabelAt(AND, label("next", 0), T0 + 10_008);

            List<DeadLetter> dead = h.deadLetters();
            assertEquals(List.of("UNKNOWN_SAMPLE", "LABEL_EXPIRED", "UNKNOWN_SAMPLE", "LABEL_OUT_OF_RANGE", "LABEL_MISSING"),
                    dead.stream().map(DeadLetter::getReason).toList());
            assertTrue(dead.stream().allMatch(d -> d.getSourceTopic().equals("labels")));
            assertTrue(dead.get(1).getMessage().contains("old"), dead.get(1).getMessage());
            assertEquals(2.0, h.counter("neurostream.labels.applied", "model", AND), "young and next trained");
            assertEquals(1.0, h.gauge("neurostream.labels.pending", "model", AND), "late waits");
            assertEquals(1.0, h.counter("neurostream.samples.dead.lettered", "model", AND, "reason", "LABEL_EXPIRED"));
        }
    }

    @Test
    void shouldEvictTheOldestBeyondTheBoundAndCountItExpired() {
        Map<String, String> bounded = new HashMap<>(DELAYED);
        bounded.put(NeurostreamConfig.LABELS_MAX_PENDING.name(), "3");
        try (TopologyHarness h = new TopologyHarness(stateDir, bounded)) {
            for (int i = 0; i < 5; i++) {
                h.sendAt(AND, unlabelled("s" + i, 1, i & 1), T0 + i);
            }
            assertEquals(2.0, h.counter("neurostream.labels.expired", "model", AND), "s0 and s1 evicted");
            assertEquals(3.0, h.gauge("neurostream.labels.pending", "model", AND));
            h.sendLabelAt(AND, label("s0", 1), T0 + 5);
            h.sendLabelAt(AND, label("s1", 0), T0 + 6);
            h.sendLabelAt(AND, label("s2", 1), T0 + 7);
            assertEquals(List.of("LABEL_EXPIRED", "LABEL_EXPIRED"), h.deadLetters().stream().map(DeadLetter::getReason).toList());
            assertEquals(1.0, h.counter("neurostream.labels.applied", "model", AND));
        }
    }

    /**
     * Every sample ends trained, predicted only, pending or dead-lettered; every label applied or dead-lettered; a sample
     * predicted then labelled is trained once: samples + labels = trained + predicted + pending + applied + dead-lettered.
     */
    @Test
    void shouldAccountForEverySampleAndLabelOnce() {
        Rng rng = new Rng(11);
        Map<String, String> bounded = new HashMap<>(DELAYED);
        bounded.put(NeurostreamConfig.LABELS_MAX_DELAY.name(), "1500");
        bounded.put(NeurostreamConfig.LABELS_MAX_PENDING.name(), "20");
        int samples = 0;
        int labels = 0;
        int labelledOnArrival = 0;
        List<String> ids = new ArrayList<>();
        try (TopologyHarness h = new TopologyHarness(stateDir, bounded)) {
            for (int i = 0; i < 1_000; i++) {
                double u = rng.nextDouble();
                long t = T0 + 10L * i;
                int a = rng.nextInt(2);
                int b = rng.nextInt(2);
                if (u < 0.3) {
                    h.sendAt(AND, Samples.andRow("r" + i, a, b), t);
                    samples++;
                    labelledOnArrival++;
                } else if (u < 0.6) {
                    h.sendAt(AND, unlabelled("r" + i, a, b), t);
                    ids.add("r" + i);
                    samples++;
                } else if (u < 0.65) {
                    h.sendAt(AND, Samples.bytes(Samples.values("r" + i, 1, 2, 3)), t); // dead-lettered
                    samples++;
                } else {
                    // mostly a recent sample (some labelled already, some expired or evicted), sometimes one never seen
                    String id = ids.isEmpty() || rng.nextDouble() < 0.05 ? "nobody" + i : ids.get(ids.size() - 1 - rng.nextInt(Math.min(40, ids.size())));
                    h.sendLabelAt(AND, rng.nextDouble() < 0.05 ? new byte[] {1, 2} : label(id, a & b), t);
                    labels++;
                }
            }
            // end on a full batch, so that every labelled sample has trained
            for (long t = T0 + 20_000; (labelledOnArrival + (long) h.counter("neurostream.labels.applied", "model", AND)) % 4 != 0; t++) {
                h.sendAt(AND, Samples.andRow("pad" + t, 1, 1), t);
                samples++;
                labelledOnArrival++;
            }
            double trained = h.counter("neurostream.samples.trained", "model", AND);
            double predicted = h.counter("neurostream.samples.predicted", "model", AND);
            double pending = h.gauge("neurostream.labels.pending", "model", AND);
            double applied = h.counter("neurostream.labels.applied", "model", AND);
            double dead = h.counter("neurostream.samples.dead.lettered");
            assertEquals(labelledOnArrival + applied, trained, 0.0, "a sample labelled later trains once, when its label comes");
            assertEquals(samples + labels, trained + predicted + pending + applied + dead, 0.0, "every record ends once");
            assertTrue(applied > 50 && h.counter("neurostream.labels.expired", "model", AND) > 10, "the mix exercises both: " + applied);

            List<Prediction> predictions = h.predictions();
            assertEquals(predicted + pending + applied, predictions.stream().filter(p -> p.getLabel() == null).count(), 0.0,
                    "one prediction on arrival per unlabelled sample");
            Map<String, Long> outcomes = predictions.stream().filter(p -> p.getLabel() != null && ids.contains(p.getSampleId()))
                    .collect(Collectors.groupingBy(Prediction::getSampleId, Collectors.counting()));
            assertEquals((long) applied, outcomes.size(), "an outcome per applied label");
            assertTrue(outcomes.values().stream().allMatch(c -> c == 1), "and only one");
            TrainingMetrics last = h.metricsRecords().stream().reduce((x, y) -> y).orElseThrow();
            assertEquals((long) trained, last.getSamplesTrained());
            assertEquals((long) predicted, last.getSamplesPredicted());
            assertEquals((long) pending, last.getSamplesPending());
            assertEquals((long) applied, last.getLabelsApplied());
            assertEquals(samples + labels, last.getSamplesTrained() + last.getSamplesPredicted() + last.getSamplesPending() + last.getLabelsApplied()
                    + last.getSamplesDeadLettered(), "the metrics topic adds up");
        }
    }

    @Test
    void shouldNeverThrowOnRandomOrMutatedLabels() {
        Rng rng = new Rng(17);
        Map<String, String> settings = Map.of(NeurostreamConfig.LABELS_MAX_DELAY.name(), "50", NeurostreamConfig.LABELS_MAX_PENDING.name(), "8");
        ProcessorTask task = new ProcessorTask(ProcessorTask.newStore(), 0, settings);
        int applied = 0;
        for (int i = 0; i < 2_000; i++) {
            if (rng.nextDouble() < 0.4) {
                task.send(AND, unlabelled("s" + rng.nextInt(40), rng.nextInt(2), rng.nextInt(2)));
                task.outputs();
                continue;
            }
            byte[] value = label("s" + rng.nextInt(40), rng.nextDouble() < 0.2 ? rng.nextInt(5) - 2 : rng.nextInt(2));
            switch (rng.nextInt(5)) {
                case 0 -> value[rng.nextInt(value.length)] ^= (byte) (1 << rng.nextInt(8));
                case 1 -> value = java.util.Arrays.copyOf(value, rng.nextInt(value.length));
                case 2 -> value = NeurostreamSerdes.label().encode(Label.newBuilder().setId("s" + rng.nextInt(40))
                        .setTarget(List.of((float) rng.nextDouble(), Float.NaN)).setEventTime(Instant.ofEpochMilli(T0)).build());
                default -> { }
            }
            double before = applied(task);
            task.sendLabel(rng.nextDouble() < 0.05 ? "ghost" : AND, value);
            int appliedNow = (int) (applied(task) - before);
            List<DeadLetter> dead = task.deadLetters();
            assertEquals(1, appliedNow + dead.size(), "label " + i + " ends applied or dead-lettered, once: " + dead);
            applied += appliedNow;
        }
        assertTrue(applied > 40, "some applied: " + applied);
    }

    private static double applied(ProcessorTask task) {
        var counter = task.metrics.registry().find("neurostream.labels.applied").tag("model", AND).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Key and value bytes of the delayed-label keys in the store (what the changelog holds for them), per pending sample. */
    private static double storeBytesPerPending(KeyValueStore<String, byte[]> store, long pending) {
        long bytes = 0;
        try (var all = store.all()) {
            while (all.hasNext()) {
                var kv = all.next();
                if (kv.key.contains("/labels/")) {
                    bytes += kv.key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + kv.value.length;
                }
            }
        }
        return (double) bytes / pending;
    }

    @Test
    void shouldKeepAHundredThousandPendingSamplesAndEvictTheOldestBeyond() {
        int n = 100_000;
        Map<String, String> settings = Map.of(NeurostreamConfig.LABELS_MAX_DELAY.name(), Long.toString(Long.MAX_VALUE / 2),
                NeurostreamConfig.LABELS_MAX_PENDING.name(), Integer.toString(n));
        KeyValueStore<String, byte[]> store = ProcessorTask.newStore();
        ProcessorTask task = new ProcessorTask(store, 0, settings);
        for (int i = 0; i < n; i++) {
            task.send(AND, unlabelled("s" + i, i & 1, (i >> 1) & 1));
            if (i % 10_000 == 0) {
                task.context.resetForwards();
            }
        }
        task.context.resetForwards();
        assertEquals((double) n, task.metrics.registry().get("neurostream.labels.pending").gauge().value());
        double perPending = storeBytesPerPending(store, n);
        System.out.printf("delayed labels: %,d pending %s samples (2 float values), %.1f store bytes per pending sample%n", n, AND, perPending);
        assertTrue(perPending < 200, "a 2-value sample with its kept prediction and keys: " + perPending + " bytes");

        task.send(AND, unlabelled("one-more", 1, 1));
        assertEquals(1.0, task.metrics.registry().get("neurostream.labels.expired").counter().count(), "the oldest was evicted");
        task.sendLabel(AND, label("s0", 0));
        task.sendLabel(AND, label("s1", 0));
        task.sendLabel(AND, label("s99999", 0));
        List<DeadLetter> dead = task.deadLetters();
        assertEquals(List.of("LABEL_EXPIRED"), dead.stream().map(DeadLetter::getReason).toList());
        assertEquals(2.0, task.metrics.registry().get("neurostream.labels.applied").counter().count());
        assertEquals((double) n - 2, task.metrics.registry().get("neurostream.labels.pending").gauge().value());
    }

    @Test
    void shouldKeepAnMnistSampleInAboutItsOwnSizePlusItsPrediction() {
        int n = 2_000;
        Map<String, String> settings = Map.of(NeurostreamConfig.LABELS_MAX_DELAY.name(), "3600000");
        KeyValueStore<String, byte[]> store = ProcessorTask.newStore();
        ProcessorTask task = new ProcessorTask(store, 0, settings);
        Rng rng = new Rng(2);
        long sampleBytes = 0;
        for (int i = 0; i < n; i++) {
            byte[] value = Samples.bytes(Samples.pixels("mnist-" + i, pixels(rng)));
            sampleBytes += value.length;
            task.send("mnist-mlp", value);
        }
        task.context.resetForwards();
        double perPending = storeBytesPerPending(store, n);
        System.out.printf("delayed labels: %,d pending mnist-mlp samples (784 pixels, %.0f bytes each as Avro), %.1f store bytes per pending sample%n",
                n, (double) sampleBytes / n, perPending);
        assertTrue(perPending < (double) sampleBytes / n + 150, "the sample's bytes, 10 kept outputs and the keys: " + perPending);
    }

    /** Records of a mixed stream for the restart test: (topic, value), for mnist-mlp. */
    private record Input(boolean label, byte[] value) {}

    private static List<Input> mixedStream(int n) {
        Rng rng = new Rng(3);
        List<Input> out = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble();
            if (u < 0.35 || (u >= 0.7 && waiting.isEmpty())) {
                out.add(new Input(false, Samples.bytes(Samples.pixels("s" + i, pixels(rng)).setLabel(rng.nextInt(10)))));
            } else if (u < 0.7) {
                out.add(new Input(false, Samples.bytes(Samples.pixels("s" + i, pixels(rng)))));
                waiting.add("s" + i);
            } else {
                String id = waiting.remove(rng.nextInt(waiting.size()));
                out.add(new Input(true, NeurostreamSerdes.label().encode(Label.newBuilder().setId(id).setLabel(rng.nextInt(10))
                        .setEventTime(Instant.ofEpochMilli(T0)).build())));
            }
        }
        return out;
    }

    private static byte[] pixels(Rng rng) {
        byte[] p = new byte[784];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) rng.nextInt(256);
        }
        return p;
    }

    private static void feed(ProcessorTask task, List<Input> inputs, int from, int to, List<Record<byte[], byte[]>> out) {
        for (int i = from; i < to; i++) {
            if (inputs.get(i).label()) {
                task.sendLabel("mnist-mlp", inputs.get(i).value());
            } else {
                task.send("mnist-mlp", inputs.get(i).value());
            }
        }
        out.addAll(task.outputs());
    }

    @Test
    void shouldRestoreBitIdenticalMidwayWithLabelsJournaled() {
        Map<String, String> settings = Map.of(NeurostreamConfig.LABELS_MAX_DELAY.name(), "150", NeurostreamConfig.SNAPSHOT_INTERVAL.name(), "3",
                NeurostreamConfig.PREDICTION_MAX_DELAY.name(), "0");
        List<Input> inputs = mixedStream(700);
        List<Record<byte[], byte[]>> reference = new ArrayList<>();
        ProcessorTask whole = new ProcessorTask(ProcessorTask.newStore(), 0, settings);
        feed(whole, inputs, 0, inputs.size(), reference);
        byte[] expected = whole.processor.encodedModel("mnist-mlp");
        assertNotNull(expected);

        KeyValueStore<String, byte[]> store = ProcessorTask.newStore();
        ProcessorTask task = new ProcessorTask(store, 0, settings);
        List<Record<byte[], byte[]>> crashed = new ArrayList<>();
        feed(task, inputs, 0, 333, crashed);
        Map<String, byte[]> committed = ProcessorTask.commit(store);
        feed(task, inputs, 333, 501, new ArrayList<>()); // processed, never committed
        task.abortAndReinit(store, committed);
        task.offset = 333;
        feed(task, inputs, 333, inputs.size(), crashed);

        assertArrayEquals(expected, task.processor.encodedModel("mnist-mlp"), "the model restored midway is bit-identical");
        assertEquals(reference.size(), crashed.size());
        for (int i = 0; i < reference.size(); i++) {
            assertArrayEquals(reference.get(i).value(), crashed.get(i).value(), "output " + i);
        }
        double applied = whole.metrics.registry().get("neurostream.labels.applied").counter().count();
        double expired = whole.metrics.registry().get("neurostream.labels.expired").counter().count();
        assertTrue(applied > 100 && expired > 10, "labels applied " + applied + " and samples expired " + expired + " on both sides of the restart");
    }
}
