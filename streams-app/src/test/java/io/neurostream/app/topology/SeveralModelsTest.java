// One stream, several models (champion and challenger): each learns every sample of the stream as if it were alone on it.
package io.neurostream.app.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.records.DeadLetterReason;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.core.rng.Rng;
import io.neurostream.schemas.DeadLetter;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.TrainingMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeveralModelsTest {
    private static final String STREAM = "and";
    /** The champion: named like the stream, so it reads it without a source. */
    private static final String SGD = spec(STREAM, null, "{\"type\": \"sgd\", \"learning_rate\": 2.0}", "[{\"type\": \"dense\", \"units\": 1, \"activation\": \"sigmoid\"}]");
    /** The challenger: another optimizer and architecture, reading the champion's stream. */
    private static final String ADAM = spec("and-adam", STREAM, "{\"type\": \"adam\", \"learning_rate\": 0.05}",
            "[{\"type\": \"dense\", \"units\": 3, \"activation\": \"tanh\"}, {\"type\": \"dense\", \"units\": 1, \"activation\": \"sigmoid\"}]");
    /** A third one whose name sorts before the stream's: the models of a stream take a sample in the order of their names. */
    private static final String FIRST = spec("a-and", STREAM, "{\"type\": \"sgd\", \"learning_rate\": 0.5}", "[{\"type\": \"dense\", \"units\": 1, \"activation\": \"sigmoid\"}]");
    private static final Map<String, String> SETTINGS = Map.of(NeurostreamConfig.SNAPSHOT_INTERVAL.name(), "3",
            NeurostreamConfig.PREDICTION_MAX_DELAY.name(), "0");

    private static final int SAMPLES_FROM = 10;

    @TempDir
    Path stateDir;

    private static String spec(String name, String source, String optimizer, String layers) {
        return """
                {"name": "%s", "input": {"shape": [2]}, "layers": %s,
                 "loss": "half_squared_error", "optimizer": %s, "batch_size": 4, "seed": 3%s}
                """.formatted(name, layers, optimizer, source == null ? "" : ", \"source\": \"" + source + "\"");
    }

    /** AND rows, a fifth of them unlabelled; every 9th a punctuation (a flush) follows. */
    private static List<byte[]> rows(int n, long seed) {
        Rng rng = new Rng(seed);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int a = rng.nextInt(2);
            int b = rng.nextInt(2);
            out.add(i % 5 == 4 ? Samples.bytes(Samples.values("s" + i, a, b)) : Samples.andRow("s" + i, a, b));
        }
        return out;
    }

    private static void feed(ProcessorTask task, String key, List<byte[]> rows, int from, int to, List<Record<byte[], byte[]>> outputs) {
        for (int i = from; i < to; i++) {
            task.send(key, rows.get(i));
            if (i % 9 == 8) {
                task.punctuate();
            }
        }
        outputs.addAll(task.outputs());
    }

    /** The outputs keyed by this model (its predictions and metrics records), as bytes. */
    private static List<byte[]> of(String model, List<Record<byte[], byte[]>> outputs) {
        byte[] key = model.getBytes(StandardCharsets.UTF_8);
        return outputs.stream().filter(r -> java.util.Arrays.equals(key, r.key())).map(Record::value).toList();
    }

    private static void assertSameOutputs(List<byte[]> expected, List<byte[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": as many outputs");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), what + ": output " + i);
        }
    }

    @Test
    void everyModelOfAStreamLearnsEverySampleBitForBitAsIfAloneAndARestartChangesNothing() {
        List<byte[]> rows = rows(207, 11); // the last row is followed by a flush
        // each model alone on the stream
        ProcessorTask sgdAlone = new ProcessorTask(ProcessorTask.newStore(), 0, SETTINGS);
        sgdAlone.sendSpec(STREAM, SGD);
        sgdAlone.offset = SAMPLES_FROM; // the same record times (offsets) in every run
        List<Record<byte[], byte[]>> sgdAloneOut = new ArrayList<>();
        feed(sgdAlone, STREAM, rows, 0, rows.size(), sgdAloneOut);
        ProcessorTask adamAlone = new ProcessorTask(ProcessorTask.newStore(), 0, SETTINGS);
        adamAlone.sendSpec("and-adam", ADAM);
        adamAlone.offset = SAMPLES_FROM;
        List<Record<byte[], byte[]>> adamAloneOut = new ArrayList<>();
        feed(adamAlone, STREAM, rows, 0, rows.size(), adamAloneOut);
        assertEquals(rows.size(), of("and-adam", adamAloneOut).stream().filter(SeveralModelsTest::isPrediction).count(),
                "alone, the challenger predicts every sample of the stream it reads");

        // together, uninterrupted
        ProcessorTask together = new ProcessorTask(ProcessorTask.newStore(), 0, SETTINGS);
        together.sendSpec(STREAM, SGD);
        together.sendSpec("and-adam", ADAM);
        together.offset = SAMPLES_FROM;
        List<Record<byte[], byte[]>> togetherOut = new ArrayList<>();
        feed(together, STREAM, rows, 0, rows.size(), togetherOut);
        assertArrayEquals(sgdAlone.processor.encodedModel(STREAM), together.processor.encodedModel(STREAM), "the champion, bit for bit");
        assertArrayEquals(adamAlone.processor.encodedModel("and-adam"), together.processor.encodedModel("and-adam"), "the challenger, bit for bit");
        assertSameOutputs(of(STREAM, sgdAloneOut), of(STREAM, togetherOut), "champion");
        assertSameOutputs(of("and-adam", adamAloneOut), of("and-adam", togetherOut), "challenger");
        assertTrue(java.util.Arrays.mismatch(together.processor.encodedModel(STREAM), together.processor.encodedModel("and-adam")) >= 0);

        // together, restarted twice mid-stream (mid-batch, after snapshots): a new processor finds the subscriptions in the store
        KeyValueStore<String, byte[]> store = ProcessorTask.newStore();
        ProcessorTask first = new ProcessorTask(store, 0, SETTINGS);
        first.sendSpec(STREAM, SGD);
        first.sendSpec("and-adam", ADAM);
        first.offset = SAMPLES_FROM;
        List<Record<byte[], byte[]>> restartedOut = new ArrayList<>();
        feed(first, STREAM, rows, 0, 61, restartedOut);
        ProcessorTask second = new ProcessorTask(store, first.offset, SETTINGS);
        feed(second, STREAM, rows, 61, 130, restartedOut);
        ProcessorTask third = new ProcessorTask(store, second.offset, SETTINGS);
        feed(third, STREAM, rows, 130, rows.size(), restartedOut);
        assertArrayEquals(together.processor.encodedModel(STREAM), third.processor.encodedModel(STREAM), "champion after restarts");
        assertArrayEquals(together.processor.encodedModel("and-adam"), third.processor.encodedModel("and-adam"), "challenger after restarts");
        assertSameOutputs(togetherOut.stream().map(Record::value).toList(), restartedOut.stream().map(Record::value).toList(), "all outputs");
    }

    /**
     * With room for one model in memory, the two models of the stream evict each other at every sample (each restored from its
     * snapshot and journal): still bit-identical to the run with both in memory.
     */
    @Test
    void modelsOfAStreamThatEvictEachOtherStayBitIdentical() {
        List<byte[]> rows = rows(45, 12); // the last row is followed by a flush
        Map<String, String> oneLoaded = Map.of(NeurostreamConfig.SNAPSHOT_INTERVAL.name(), "3", NeurostreamConfig.PREDICTION_MAX_DELAY.name(), "0",
                NeurostreamConfig.MODELS_MAX_LOADED.name(), "1");
        List<List<byte[]>> outputs = new ArrayList<>(); // every output value of each run
        List<ProcessorTask> tasks = new ArrayList<>();
        for (Map<String, String> settings : List.of(SETTINGS, oneLoaded)) {
            ProcessorTask task = new ProcessorTask(ProcessorTask.newStore(), 0, settings);
            task.sendSpec(STREAM, SGD);
            task.sendSpec("and-adam", ADAM);
            task.offset = SAMPLES_FROM;
            List<Record<byte[], byte[]>> out = new ArrayList<>();
            feed(task, STREAM, rows, 0, rows.size(), out);
            outputs.add(out.stream().map(Record::value).toList());
            tasks.add(task);
        }
        byte[] adam = tasks.get(1).processor.encodedModel("and-adam"); // the model of the stream taken last stays in memory
        assertNotNull(adam);
        assertNull(tasks.get(1).processor.encodedModel(STREAM), "the other was evicted");
        assertArrayEquals(tasks.get(0).processor.encodedModel("and-adam"), adam, "the challenger, bit for bit");
        // an evicted model's pending predictions go out when it leaves memory (a journaled flush), so the records come earlier,
        // but each model predicts every sample once, in the stream's order
        for (String model : List.of(STREAM, "and-adam")) {
            assertEquals(predictedIds(model, outputs.get(0)), predictedIds(model, outputs.get(1)), model);
            assertEquals(rows.size(), predictedIds(model, outputs.get(1)).size(), model);
        }
    }

    private static List<String> predictedIds(String model, List<byte[]> values) {
        return values.stream().filter(SeveralModelsTest::isPrediction).map(v -> NeurostreamSerdes.prediction().deserializer().deserialize("p", v))
                .filter(p -> p.getModel().equals(model)).map(Prediction::getSampleId).toList();
    }

    private static boolean isPrediction(byte[] value) {
        try {
            NeurostreamSerdes.prediction().deserializer().deserialize("p", value);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Test
    void theModelsOfAStreamTakeASampleInTheOrderOfTheirNames() {
        ProcessorTask task = new ProcessorTask(ProcessorTask.newStore(), 0, SETTINGS);
        task.sendSpec("and-adam", ADAM);
        task.sendSpec(STREAM, SGD);
        task.sendSpec("a-and", FIRST);
        task.outputs();
        task.send(STREAM, Samples.bytes(Samples.values("u", 1, 0)));
        List<String> order = task.outputs().stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
        assertEquals(List.of("a-and", STREAM, "and-adam"), order);
    }

    /**
     * Through the whole topology (TopologyTestDriver): good, unlabelled and malformed records on a stream with two models. A
     * malformed record is one dead letter; each model counts every record of the stream once: trained + predicted only +
     * dead-lettered = records produced, in its last metrics record and in its meters.
     */
    @Test
    void aMalformedRecordIsOneDeadLetterAndEachModelCountsEveryRecordOnce() {
        try (TopologyHarness h = new TopologyHarness(stateDir, Map.of())) {
            h.sendSpec(STREAM, SGD);
            h.sendSpec("and-adam", ADAM);
            Rng rng = new Rng(7);
            int labelled = 0;
            int unlabelled = 0;
            int bad = 0;
            int produced = 0;
            for (int i = 0; i < 300 || labelled % 4 != 0; i++) {
                double u = rng.nextDouble();
                int a = rng.nextInt(2);
                int b = rng.nextInt(2);
                if (i >= 300 || u < 0.6) {
                    h.send(STREAM, Samples.andRow("r" + i, a, b));
                    labelled++;
                } else if (u < 0.8) {
                    h.send(STREAM, Samples.bytes(Samples.values("r" + i, a, b)));
                    unlabelled++;
                } else {
                    switch (rng.nextInt(3)) {
                        case 0 -> h.send(STREAM, new byte[] {9, 9, 9});
                        case 1 -> h.send(STREAM, Samples.bytes(Samples.values("r" + i, 1, 2, 3).setLabel(0)));
                        default -> h.send(STREAM, Samples.bytes(Samples.values("r" + i, 1, Float.NaN)));
                    }
                    bad++;
                }
                produced++;
            }
            List<Prediction> predictions = h.predictions();
            List<DeadLetter> dead = h.deadLetters();
            assertEquals(bad, dead.size(), "one dead letter per malformed record, not one per model");
            for (DeadLetter d : dead) {
                assertEquals(STREAM, d.getModel(), "the dead letter names the stream");
                assertTrue(d.getMessage().endsWith("(stream and: not taken by models and, and-adam)"), d.getReason() + ": " + d.getMessage());
            }
            Map<String, TrainingMetrics> last = h.metricsRecords().stream()
                    .collect(Collectors.toMap(m -> m.getModel(), Function.identity(), (x, y) -> y));
            for (String model : List.of(STREAM, "and-adam")) {
                long trained = predictions.stream().filter(p -> p.getModel().equals(model) && p.getLabel() != null).count();
                long predictedOnly = predictions.stream().filter(p -> p.getModel().equals(model) && p.getLabel() == null).count();
                assertEquals(labelled, trained, model + " trained every labelled sample");
                assertEquals(unlabelled, predictedOnly, model + " predicted every unlabelled sample");
                TrainingMetrics m = last.get(model);
                assertNotNull(m, model + " has metrics records");
                assertEquals(produced, m.getSamplesTrained() + m.getSamplesPredicted() + m.getSamplesDeadLettered(),
                        model + ": trained + predicted + dead-lettered = produced");
                assertEquals(bad, m.getSamplesDeadLettered(), model + " dead-lettered");
                assertEquals(bad, h.counter("neurostream.samples.dead.lettered", "model", model), 0.0, model + " dead-letter meter");
                assertEquals(labelled, h.counter("neurostream.samples.trained", "model", model), 0.0, model + " trained meter");
            }
        }
    }

    /** A new spec naming another source moves the model: it starts afresh on the new stream and no longer reads the old one. */
    @Test
    void aSpecChangingSourceMovesTheModel() {
        KeyValueStore<String, byte[]> store = ProcessorTask.newStore();
        ProcessorTask task = new ProcessorTask(store, 0, SETTINGS);
        task.sendSpec(STREAM, SGD);
        task.sendSpec("and-adam", ADAM);
        task.outputs();
        List<Record<byte[], byte[]>> out = new ArrayList<>();
        feed(task, STREAM, rows(8, 1), 0, 8, out);
        task.punctuate(); // the pending predictions
        out.addAll(task.outputs());
        assertEquals(8, of("and-adam", out).stream().filter(SeveralModelsTest::isPrediction).count());
        assertNotNull(store.get(Subscriptions.PREFIX + STREAM));

        task.sendSpec("and-adam", ADAM.replace("\"source\": \"and\"", "\"source\": \"gates\""));
        assertNull(store.get(Subscriptions.PREFIX + STREAM), "no model of another name reads " + STREAM + " any more");
        task.outputs();
        out.clear();
        feed(task, STREAM, rows(4, 2), 0, 4, out);
        task.punctuate();
        out.addAll(task.outputs());
        assertEquals(0, of("and-adam", out).size(), "the old stream's samples no longer reach it");
        assertEquals(4, of(STREAM, out).stream().filter(SeveralModelsTest::isPrediction).count(), "the champion reads on");

        ProcessorTask restarted = new ProcessorTask(store, task.offset, SETTINGS); // the move is in the store
        out.clear();
        feed(restarted, "gates", rows(4, 3), 0, 4, out);
        restarted.punctuate();
        out.addAll(restarted.outputs());
        List<Prediction> moved = of("and-adam", out).stream().filter(SeveralModelsTest::isPrediction)
                .map(v -> NeurostreamSerdes.prediction().deserializer().deserialize("p", v)).toList();
        assertEquals(4, moved.size(), "it reads the new stream");
        assertEquals(0L, moved.get(0).getModelStep(), "and starts afresh from its new spec");
        restarted.send(STREAM, Samples.andRow("x", 1, 1));
        restarted.punctuate();
        assertEquals(List.of(STREAM), restarted.outputs().stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).distinct().toList());

        // a model named like a stream whose source is another stream does not read the stream of its name
        restarted.sendSpec(STREAM, SGD.replace("\"seed\": 3", "\"seed\": 3, \"source\": \"gates\""));
        restarted.outputs();
        restarted.send(STREAM, Samples.andRow("y", 1, 1));
        List<DeadLetter> dead = restarted.deadLetters();
        assertEquals(1, dead.size());
        assertEquals(DeadLetterReason.UNKNOWN_MODEL.name(), dead.get(0).getReason());
    }

    @Test
    void aDelayedLabelOfTheStreamReachesEveryModelThatKeptItsSample() {
        Map<String, String> delayed = Map.of(NeurostreamConfig.LABELS_MAX_DELAY.name(), "10000", NeurostreamConfig.PREDICTION_MAX_DELAY.name(), "0");
        try (TopologyHarness h = new TopologyHarness(stateDir, delayed)) {
            h.sendSpec(STREAM, SGD);
            h.sendSpec("and-adam", ADAM);
            for (int i = 0; i < 4; i++) {
                h.sendAt(STREAM, Samples.bytes(Samples.values("u" + i, i >> 1, i & 1)), 1_000 + i);
            }
            assertEquals(8, h.predictions().size(), "each model predicts each sample on arrival");
            for (int i = 3; i >= 0; i--) {
                h.sendLabelAt(STREAM, DelayedLabelsTest.label("u" + i, (i >> 1) & (i & 1)), 1_010 + i);
            }
            h.sendLabelAt(STREAM, DelayedLabelsTest.label("never-sent", 1), 1_020);
            List<Prediction> outcomes = h.predictions();
            for (String model : List.of(STREAM, "and-adam")) {
                assertEquals(List.of("u3", "u2", "u1", "u0"), outcomes.stream().filter(p -> p.getModel().equals(model)).map(Prediction::getSampleId).toList(),
                        model + ": one outcome per label, scored from its own kept prediction");
                assertEquals(4.0, h.counter("neurostream.labels.applied", "model", model), model);
                assertEquals(0.0, h.gauge("neurostream.labels.pending", "model", model), model);
            }
            List<DeadLetter> dead = h.deadLetters();
            assertEquals(1, dead.size(), "a label no model kept a sample for is one dead letter");
            assertEquals(DeadLetterReason.UNKNOWN_SAMPLE.name(), dead.get(0).getReason());
            assertTrue(dead.get(0).getMessage().endsWith("(stream and: not taken by models and, and-adam)"), dead.get(0).getMessage());
        }
    }
}
