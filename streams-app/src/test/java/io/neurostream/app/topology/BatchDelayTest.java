// A stream that stops mid-batch: the partial batch trains after neurostream.batch.max.delay.ms, journaled so a restore replays it bit for bit; metrics follow counter changes on a wall-clock interval.
package io.neurostream.app.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.state.Head;
import io.neurostream.app.state.JournalEntry;
import io.neurostream.app.state.ModelStore;
import io.neurostream.core.rng.Rng;
import io.neurostream.schemas.DeadLetter;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.TrainingMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchDelayTest {
    private static final String AND = "logic-and"; // batch of 4
    private static final Map<String, String> TIMED = Map.of(NeurostreamConfig.BATCH_MAX_DELAY.name(), "2000",
            NeurostreamConfig.PREDICTION_MAX_DELAY.name(), "500", NeurostreamConfig.METRICS_INTERVAL_MS.name(), "5000");

    @TempDir
    Path stateDir;

    @Test
    void shouldTrainAPartialBatchAsASmallerOneAfterTheDelay() {
        try (TopologyHarness h = new TopologyHarness(stateDir, TIMED)) {
            for (int i = 0; i < 3; i++) {
                h.send(AND, Samples.andRow("s" + i, i >> 1, i & 1));
            }
            h.advanceWallClock(Duration.ofMillis(1000));
            List<Prediction> flushed = h.predictions();
            assertEquals(List.of("s0", "s1", "s2"), flushed.stream().map(Prediction::getSampleId).toList(), "predictions flushed at 500 ms");
            assertTrue(flushed.stream().allMatch(p -> p.getModelStep() == 0));
            assertEquals(List.of(), h.metricsRecords(), "the batch still waits");
            assertEquals(0.0, h.counter("neurostream.samples.trained", "model", AND));

            h.advanceWallClock(Duration.ofMillis(1100));
            assertEquals(List.of(), h.predictions(), "no prediction twice");
            List<TrainingMetrics> metrics = h.metricsRecords();
            assertEquals(1, metrics.size(), "the partial batch trained");
            assertEquals(1, metrics.get(0).getStep());
            assertEquals(3, metrics.get(0).getSamplesTrained());
            assertEquals(3.0, h.counter("neurostream.samples.trained", "model", AND));

            for (int i = 0; i < 4; i++) {
                h.send(AND, Samples.andRow("t" + i, i >> 1, i & 1));
            }
            assertTrue(h.predictions().stream().allMatch(p -> p.getModelStep() == 1), "the next batch is a whole one, after the smaller step");
            assertEquals(7, h.metricsRecords().get(0).getSamplesTrained());
        }
    }

    @Test
    void shouldAddUpOnTheMetricsTopicWhenTheStreamStopsMidBatch() {
        Rng rng = new Rng(7);
        int labelled = 0;
        int unlabelled = 0;
        int bad = 0;
        int produced = 0;
        try (TopologyHarness h = new TopologyHarness(stateDir, TIMED)) {
            for (int i = 0; i < 43; i++) {
                double u = rng.nextDouble();
                int a = rng.nextInt(2);
                int b = rng.nextInt(2);
                if (u < 0.6) {
                    h.send(AND, Samples.andRow("r" + i, a, b));
                    labelled++;
                } else if (u < 0.8) {
                    h.send(AND, Samples.bytes(Samples.values("r" + i, a, b)));
                    unlabelled++;
                } else {
                    h.send(AND, Samples.bytes(Samples.values("r" + i, 1, 2, 3).setLabel(0)));
                    bad++;
                }
                produced++;
            }
            assertTrue(labelled % 4 != 0, "the stream stops mid-batch: " + labelled + " labelled");
            h.advanceWallClock(Duration.ofMillis(2100));
            assertAddsUp(h, produced, labelled, unlabelled, bad);

            // then only records that train nothing: the interval writes the metrics record
            h.send(AND, Samples.bytes(Samples.values("late-u", 1, 1)));
            h.send(AND, Samples.bytes(Samples.values("late-bad", 1).setLabel(1)));
            produced += 2;
            unlabelled++;
            bad++;
            h.advanceWallClock(Duration.ofMillis(100)); // the punctuator sees the change
            h.advanceWallClock(Duration.ofMillis(4800));
            List<Prediction> predictions = h.predictions();
            assertEquals(1, predictions.size());
            assertEquals(1, h.deadLetters().size());
            assertEquals(List.of(), h.metricsRecords(), "not before the interval");
            h.advanceWallClock(Duration.ofMillis(200));
            List<TrainingMetrics> metrics = h.metricsRecords();
            assertEquals(1, metrics.size(), "one record for the changed counters");
            assertEquals(labelled, metrics.get(0).getSamplesTrained());
            assertEquals(unlabelled, metrics.get(0).getSamplesPredicted());
            assertEquals(bad, metrics.get(0).getSamplesDeadLettered());
            assertEquals(produced, metrics.get(0).getSamplesTrained() + metrics.get(0).getSamplesPredicted() + metrics.get(0).getSamplesDeadLettered());
            h.advanceWallClock(Duration.ofSeconds(60));
            assertEquals(List.of(), h.metricsRecords(), "nothing changed since");
        }
    }

    private static void assertAddsUp(TopologyHarness h, int produced, int labelled, int unlabelled, int bad) {
        List<Prediction> predictions = h.predictions();
        List<DeadLetter> dead = h.deadLetters();
        long trained = predictions.stream().filter(p -> p.getLabel() != null).count();
        long predictedOnly = predictions.stream().filter(p -> p.getLabel() == null).count();
        assertEquals(produced, trained + predictedOnly + dead.size(), "every record ends exactly once");
        assertEquals(produced, predictions.stream().map(Prediction::getSampleId).distinct().count() + dead.size(), "no prediction twice");
        List<TrainingMetrics> metrics = h.metricsRecords();
        TrainingMetrics last = metrics.get(metrics.size() - 1);
        assertEquals(labelled, last.getSamplesTrained(), "the last metrics record counts the partial batch");
        assertEquals(unlabelled, last.getSamplesPredicted());
        assertEquals(bad, last.getSamplesDeadLettered());
        assertEquals(labelled, h.counter("neurostream.samples.trained", "model", AND), 0.0);
    }

    @Test
    void shouldKeepAPartialBatchWaitingWhenTheKeyIsOff() {
        try (TopologyHarness h = new TopologyHarness(stateDir, Map.of())) {
            for (int i = 0; i < 3; i++) {
                h.send(AND, Samples.andRow("s" + i, i >> 1, i & 1));
            }
            h.advanceWallClock(Duration.ofHours(1));
            h.advanceWallClock(Duration.ofHours(1));
            assertEquals(3, h.predictions().size(), "predictions flushed");
            assertEquals(List.of(), h.metricsRecords(), "nothing trained, no counter changed");
            assertEquals(0.0, h.counter("neurostream.samples.trained", "model", AND));
            h.send(AND, Samples.bytes(Samples.values("u", 1, 1)));
            h.advanceWallClock(Duration.ofMillis(100));
            h.advanceWallClock(Duration.ofSeconds(10)); // the default metrics interval
            List<TrainingMetrics> metrics = h.metricsRecords();
            assertEquals(1, metrics.size(), "the changed counter is reported");
            assertEquals(0, metrics.get(0).getStep());
            assertEquals(0, metrics.get(0).getSamplesTrained());
            assertEquals(1, metrics.get(0).getSamplesPredicted());
            assertEquals(null, metrics.get(0).getBatchLoss(), "no batch yet");
            h.send(AND, Samples.andRow("s3", 1, 1));
            assertEquals(4, h.metricsRecords().get(0).getSamplesTrained(), "the batch of 4 trains when it fills, as before");
        }
    }

    @Test
    void shouldRefuseANegativeDelayInOneLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NeurostreamConfig.load(null, Map.of(NeurostreamConfig.BATCH_MAX_DELAY.name(), "-1")));
        assertEquals("neurostream.batch.max.delay.ms must be >= 0 (0 turns it off), got -1", e.getMessage());
    }

    // --- restore: the journaled close is replayed where it happened, whatever the clock says then ---

    private static final String CIRCLE = "circle"; // batch of 16, Adam
    private static final long DELAY = 1_000_000;
    private static final int SAMPLES = 170;
    private static final Map<String, String> RESTORE = Map.of(NeurostreamConfig.BATCH_MAX_DELAY.name(), Long.toString(DELAY),
            NeurostreamConfig.PREDICTION_MAX_DELAY.name(), "0", NeurostreamConfig.SNAPSHOT_INTERVAL.name(), "3");

    private static List<byte[]> circleSamples() {
        Rng rng = new Rng(11);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            float x = (float) (rng.nextDouble() * 2 - 1);
            float y = (float) (rng.nextDouble() * 2 - 1);
            out.add(Samples.bytes(Samples.values("c" + i, x, y).setLabel(x * x + y * y < 0.5 ? 1 : 0)));
        }
        return out;
    }

    /** Records arrive at their offset (ms); every 5th is followed by a flush, every 23rd by a wall clock past the batch delay:
     * batches alternate between 16 samples (full) and 7 (closed), and every third batch ends with a snapshot. */
    private static void feed(ProcessorTask task, List<byte[]> samples, int from, int to, List<Record<byte[], byte[]>> outputs) {
        for (int i = from; i < to; i++) {
            task.send(CIRCLE, samples.get(i));
            if (i % 23 == 22) {
                task.punctuate(task.offset + DELAY);
            } else if (i % 5 == 4) {
                task.punctuate();
            }
        }
        outputs.addAll(task.outputs());
    }

    /** Whether the journal since the newest snapshot holds a close. */
    private static boolean closeJournaled(KeyValueStore<String, byte[]> kv) {
        ModelStore store = new ModelStore(kv);
        Head head = store.head(CIRCLE);
        for (long seq = head.snapshotSeq(); ; seq++) {
            JournalEntry e = store.journal(CIRCLE, seq, head.journalSlots());
            if (e == null) {
                return false;
            }
            if (e.kind() == JournalEntry.Kind.CLOSE) {
                return true;
            }
        }
    }

    @Test
    void shouldReplayJournaledClosesBitIdenticalAfterRestarts() {
        List<byte[]> samples = circleSamples();
        List<Record<byte[], byte[]>> uninterruptedOut = new ArrayList<>();
        ProcessorTask uninterrupted = new ProcessorTask(ProcessorTask.newStore(), 0, RESTORE);
        feed(uninterrupted, samples, 0, SAMPLES, uninterruptedOut);
        uninterrupted.punctuate(uninterrupted.offset + DELAY); // the stream stops: the last partial batch closes
        uninterruptedOut.addAll(uninterrupted.outputs());

        KeyValueStore<String, byte[]> store = ProcessorTask.newStore();
        List<Record<byte[], byte[]>> restartedOut = new ArrayList<>();
        int[] stops = {50, 95, 120, 165, SAMPLES}; // the first four after a close and before the next snapshot
        int from = 0;
        int closesReplayed = 0;
        ProcessorTask last = null;
        for (int stop : stops) {
            last = new ProcessorTask(store, from, RESTORE);
            feed(last, samples, from, stop, restartedOut);
            from = stop;
            if (stop < SAMPLES && closeJournaled(store)) { // what the next restart replays
                closesReplayed++;
            }
        }
        last.punctuate(last.offset + DELAY);
        restartedOut.addAll(last.outputs());

        assertArrayEquals(uninterrupted.processor.encodedModel(CIRCLE), last.processor.encodedModel(CIRCLE), "bit-identical model");
        assertEquals(4, closesReplayed, "restarts with a close in the journal they replay: " + closesReplayed);
        assertEquals(uninterruptedOut.size(), restartedOut.size(), "the same outputs, none repeated or lost");
        for (int i = 0; i < uninterruptedOut.size(); i++) {
            assertArrayEquals(uninterruptedOut.get(i).value(), restartedOut.get(i).value(), "output " + i);
        }
        long predictions = uninterruptedOut.stream().filter(r -> r.value() != null).count();
        assertTrue(predictions > SAMPLES, "predictions and metrics records: " + predictions);
    }
}
