// A processor started on the store another one left behind continues bit for bit: snapshot plus journal replay.
package io.neurostream.app.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.records.DeadLetterReason;
import io.neurostream.app.state.Head;
import io.neurostream.app.state.ModelStore;
import io.neurostream.core.rng.Rng;
import io.neurostream.schemas.DeadLetter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class RestoreTest {
    private static final String MODEL = "mnist-mlp";
    private static final int SAMPLES = 32 * 7 + 5;
    private static final Map<String, String> SETTINGS = Map.of(NeurostreamConfig.SNAPSHOT_INTERVAL.name(), "3",
            NeurostreamConfig.PREDICTION_MAX_DELAY.name(), "0");

    /** One processor on a store, driven record by record as a task would. */
    private static final class Task {
        final ProcessorTask task;
        final TrainingProcessor processor;

        Task(KeyValueStore<String, byte[]> store, long firstOffset) {
            this(store, firstOffset, SETTINGS);
        }

        Task(KeyValueStore<String, byte[]> store, long firstOffset, Map<String, String> settings) {
            task = new ProcessorTask(store, firstOffset, settings);
            processor = task.processor;
        }

        void send(byte[] value) {
            task.send(MODEL, value);
        }

        void punctuate() {
            task.punctuate();
        }

        List<Record<byte[], byte[]>> outputs() {
            return task.outputs();
        }
    }

    private static KeyValueStore<String, byte[]> newStore() {
        return ProcessorTask.newStore();
    }

    /** Labelled MNIST-shaped samples with random pixels; every 7th gets a flush punctuation after it. */
    private static List<byte[]> samples() {
        Rng rng = new Rng(5);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            byte[] pixels = new byte[784];
            for (int p = 0; p < pixels.length; p++) {
                pixels[p] = (byte) rng.nextInt(256);
            }
            out.add(Samples.bytes(Samples.pixels("s" + i, pixels).setLabel(rng.nextInt(10))));
        }
        return out;
    }

    private static void feed(Task task, List<byte[]> samples, int from, int to, List<Record<byte[], byte[]>> outputs) {
        for (int i = from; i < to; i++) {
            task.send(samples.get(i));
            if (i % 7 == 6) {
                task.punctuate();
            }
        }
        outputs.addAll(task.outputs());
    }

    @Test
    void shouldContinueBitIdenticalFromSnapshotAndJournalWithAdamStateOver1MB() {
        List<byte[]> samples = samples();
        List<Record<byte[], byte[]>> uninterruptedOut = new ArrayList<>();
        Task uninterrupted = new Task(newStore(), 0);
        feed(uninterrupted, samples, 0, SAMPLES, uninterruptedOut);

        KeyValueStore<String, byte[]> store = newStore();
        List<Record<byte[], byte[]>> restartedOut = new ArrayList<>();
        int stop = 32 * 4 + 11; // after a snapshot (3 batches), one more batch, and a pending partial batch with flushes
        feed(new Task(store, 0), samples, 0, stop, restartedOut);
        byte[] snapshot = new ModelStore(store).snapshot(MODEL, new ModelStore(store).head(MODEL).generation());
        assertNotNull(snapshot, "a snapshot was taken");
        assertTrue(snapshot.length > 1_000_000, "Adam state makes it " + snapshot.length + " bytes, stored in chunks");
        Task restarted = new Task(store, stop);
        feed(restarted, samples, stop, SAMPLES, restartedOut);

        assertArrayEquals(uninterrupted.processor.encodedModel(MODEL), restarted.processor.encodedModel(MODEL), "bit-identical model");
        assertEquals(uninterruptedOut.size(), restartedOut.size(), "the same outputs, none repeated or lost");
        for (int i = 0; i < uninterruptedOut.size(); i++) {
            assertArrayEquals(uninterruptedOut.get(i).value(), restartedOut.get(i).value(), "output " + i);
        }
    }

    /**
     * The head is not rewritten per journal entry, so each restart finds the entries that follow
     * on from it; a new snapshot interval changes the journal's ring size only once the journal is
     * empty, so no entry is lost when the interval changes between restarts.
     */
    @Test
    void shouldContinueBitIdenticalOverRestartsWithoutSnapshotsAndANewSnapshotInterval() {
        List<byte[]> samples = samples();
        List<Record<byte[], byte[]>> uninterruptedOut = new ArrayList<>();
        Task uninterrupted = new Task(newStore(), 0);
        feed(uninterrupted, samples, 0, SAMPLES, uninterruptedOut);

        Map<String, String> longer = Map.of(NeurostreamConfig.SNAPSHOT_INTERVAL.name(), "5", NeurostreamConfig.PREDICTION_MAX_DELAY.name(), "0");
        KeyValueStore<String, byte[]> store = newStore();
        List<Record<byte[], byte[]>> restartedOut = new ArrayList<>();
        // every restart finds journal entries pending (the old ring has 384 slots: 2 generations x 2 x 3 batches of 32)
        int[] stops = {32 * 6 + 20, 32 * 6 + 25, 32 * 6 + 31, SAMPLES};
        int from = 0;
        Task last = null;
        for (int i = 0; i < stops.length; i++) {
            last = new Task(store, from, i == 0 ? SETTINGS : longer);
            feed(last, samples, from, stops[i], restartedOut);
            from = stops[i];
        }

        assertArrayEquals(uninterrupted.processor.encodedModel(MODEL), last.processor.encodedModel(MODEL), "bit-identical model");
        assertEquals(uninterruptedOut.size(), restartedOut.size(), "the same outputs, none repeated or lost");
        for (int i = 0; i < uninterruptedOut.size(); i++) {
            assertArrayEquals(uninterruptedOut.get(i).value(), restartedOut.get(i).value(), "output " + i);
        }
    }

    /** Flips one byte in the first chunk of a snapshot generation, as garbage in the changelog would. */
    private static void corrupt(KeyValueStore<String, byte[]> store, int generation) {
        String key = MODEL + (generation == 0 ? "/" : "/1/") + "snapshot/0";
        byte[] chunk = store.get(key).clone();
        chunk[chunk.length / 2] ^= 0x40;
        store.put(key, chunk);
    }

    @Test
    void shouldRestoreBitIdenticalFromTheOlderSnapshotAndTheJournalWhenTheNewestIsCorrupt() {
        List<byte[]> samples = samples();
        List<Record<byte[], byte[]>> uninterruptedOut = new ArrayList<>();
        Task uninterrupted = new Task(newStore(), 0);
        feed(uninterrupted, samples, 0, SAMPLES, uninterruptedOut);

        KeyValueStore<String, byte[]> store = newStore();
        List<Record<byte[], byte[]>> restartedOut = new ArrayList<>();
        int stop = 32 * 6 + 20; // after the second snapshot (6 batches): two generations, and a partial batch
        feed(new Task(store, 0), samples, 0, stop, restartedOut);
        Head head = new ModelStore(store).head(MODEL);
        assertTrue(head.previousSnapshotSeq() > 0 && head.snapshotSeq() > head.previousSnapshotSeq(), "two generations: " + head);
        corrupt(store, head.generation());

        Task restarted = new Task(store, stop);
        feed(restarted, samples, stop, SAMPLES, restartedOut);

        assertArrayEquals(uninterrupted.processor.encodedModel(MODEL), restarted.processor.encodedModel(MODEL), "bit-identical model");
        assertEquals(uninterruptedOut.size(), restartedOut.size(), "the same outputs, none repeated or lost");
        for (int i = 0; i < uninterruptedOut.size(); i++) {
            assertArrayEquals(uninterruptedOut.get(i).value(), restartedOut.get(i).value(), "output " + i);
        }
    }

    @Test
    void shouldQuarantineTheModelOnlyWhenNoSnapshotGenerationReads() {
        List<byte[]> samples = samples();
        KeyValueStore<String, byte[]> store = newStore();
        feed(new Task(store, 0), samples, 0, 32 * 6 + 20, new ArrayList<>());
        corrupt(store, 0);
        corrupt(store, 1);

        ProcessorTask restarted = new ProcessorTask(store, 1000, SETTINGS);
        restarted.send(MODEL, samples.get(0));
        DeadLetter d = restarted.deadLetters().get(0);
        assertEquals(DeadLetterReason.MODEL_UNAVAILABLE.name(), d.getReason());
        assertTrue(d.getMessage().startsWith("sample s0: model mnist-mlp cannot be restored: snapshot reassembled from 3 chunks is corrupted: CRC-32C"),
                d.getMessage());
        restarted.send("logic-and", Samples.andRow("a", 1, 1));
        assertEquals(List.of(), restarted.deadLetters(), "the other models run on");
    }
}
