// The reactions a spec asks for on a detection, on a stream whose labels swap mid-stream: what each changes, and that a
// restore anywhere replays it bit for bit.
package io.neurostream.app.topology;

import static io.neurostream.app.topology.DriftStreamTest.MODEL;
import static io.neurostream.app.topology.DriftStreamTest.SAMPLES;
import static io.neurostream.app.topology.DriftStreamTest.SWITCH;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.state.ModelStore;
import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.drift.DriftSpec;
import io.neurostream.core.net.Network;
import io.neurostream.schemas.DriftEvent;
import io.neurostream.schemas.Prediction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class DriftReactionTest {
    private static final Logger LOG = LoggerFactory.getLogger(DriftReactionTest.class);
    private static final Map<String, String> SETTINGS = Map.of(NeurostreamConfig.SNAPSHOT_INTERVAL.name(), "3",
            NeurostreamConfig.PREDICTION_MAX_DELAY.name(), "0");

    private static String spec(String reaction) {
        return DriftStreamTest.spec("{\"detector\": \"adwin\", \"reaction\": \"" + reaction + "\"}");
    }

    private static Network model(ProcessorTask task) {
        return SnapshotCodec.decode(task.processor.encodedModel(MODEL));
    }

    private static float[] values(Network net, String name) {
        return net.params().value(name).dup().data().asFloat();
    }

    private static boolean optimizerAtZero(Network net) {
        return net.optimizer().state().values().stream().allMatch(a -> a.amaxNumber().doubleValue() == 0);
    }

    /**
     * The model with the reaction and one with none, in lockstep up to the first detection: identical until then (no
     * detection before the swap), and right after the batch that completed it differing exactly as the reaction says.
     */
    @ParameterizedTest
    @ValueSource(strings = {DriftSpec.RESET_OPTIMIZER, DriftSpec.RESET_WEIGHTS, DriftSpec.RESET_HEAD})
    void eachReactionChangesWhatItNamesRightAfterTheFirstDetectionAfterTheSwap(String reaction) {
        ProcessorTask reacting = DriftStreamTest.task(ProcessorTask.newStore(), 0, spec(reaction));
        ProcessorTask reporting = DriftStreamTest.task(ProcessorTask.newStore(), 0, spec(DriftSpec.NONE));
        List<byte[]> samples = DriftStreamTest.samples();
        List<DriftEvent> events = List.of();
        int i = 0;
        for (; i < SAMPLES && events.isEmpty(); i++) {
            reacting.send(MODEL, samples.get(i));
            reporting.send(MODEL, samples.get(i));
            events = DriftStreamTest.driftEvents(reacting);
            List<DriftEvent> reported = DriftStreamTest.driftEvents(reporting);
            assertEquals(reported.size(), events.size(), "both detect at the same sample");
        }
        assertFalse(events.isEmpty(), "detected");
        assertTrue(i > SWITCH && i <= SWITCH + 200, "detected at sample " + i + " (switch " + SWITCH + ")");
        assertEquals(reaction, events.get(0).getReaction());

        Network after = model(reacting);
        Network none = model(reporting);
        assertEquals(none.counters(), after.counters(), "the same steps taken");
        assertTrue(optimizerAtZero(after), "optimizer moments cleared");
        assertFalse(optimizerAtZero(none), "none keeps the moments");
        boolean hiddenKept = Arrays.equals(values(none, "0.W"), values(after, "0.W"));
        boolean readOutKept = Arrays.equals(values(none, "1.W"), values(after, "1.W"));
        switch (reaction) {
            case DriftSpec.RESET_OPTIMIZER -> assertTrue(hiddenKept && readOutKept, "weights kept");
            case DriftSpec.RESET_HEAD -> assertTrue(hiddenKept && !readOutKept, "only the read-out drawn afresh");
            default -> assertTrue(!hiddenKept && !readOutKept, "every weight drawn afresh");
        }
    }

    /**
     * Restarts every 13 samples around the swap: some restore a snapshot taken after a reaction, some replay one from the
     * journal. Snapshots every 3 batches (24 samples), so that they do not all fall where ADWIN checks (every 32 values).
     */
    @ParameterizedTest
    @ValueSource(strings = {DriftSpec.NONE, DriftSpec.RESET_OPTIMIZER, DriftSpec.RESET_WEIGHTS, DriftSpec.RESET_HEAD})
    void aRestoreAnywhereDetectsAndReactsAtTheSameSamplesBitForBit(String reaction) {
        List<byte[]> samples = DriftStreamTest.samples();
        KeyValueStore<String, byte[]> straight = ProcessorTask.newStore();
        ProcessorTask uninterrupted = DriftStreamTest.task(straight, 0, spec(reaction), SETTINGS);
        List<Record<byte[], byte[]>> expected = DriftStreamTest.feed(uninterrupted, samples, 0, SAMPLES);

        KeyValueStore<String, byte[]> store = ProcessorTask.newStore();
        ProcessorTask task = DriftStreamTest.task(store, 0, spec(reaction), SETTINGS);
        List<Record<byte[], byte[]>> outputs = new ArrayList<>();
        int from = 0;
        for (int stop = SWITCH - 20; stop < SWITCH + 400; stop += 13) {
            outputs.addAll(DriftStreamTest.feed(task, samples, from, stop));
            task = DriftStreamTest.task(store, task.offset, null, SETTINGS);
            from = stop;
        }
        outputs.addAll(DriftStreamTest.feed(task, samples, from, SAMPLES));

        long events = expected.stream().filter(r -> isDrift(r)).count();
        assertTrue(events >= 1, "detected");
        assertArrayEquals(uninterrupted.processor.encodedModel(MODEL), task.processor.encodedModel(MODEL), "bit-identical model");
        assertArrayEquals(DriftStreamTest.stored(straight), DriftStreamTest.stored(store), "the same drift state and optimizer origin");
        assertEquals(expected.size(), outputs.size(), "the same outputs, none repeated or lost");
        for (int k = 0; k < expected.size(); k++) {
            assertArrayEquals(expected.get(k).value(), outputs.get(k).value(), "output " + k);
        }
    }

    /**
     * Drift state that does not read is a corrupt snapshot generation: the model restores from the older generation and
     * the journal since, and detects and reacts as a run that never stopped.
     */
    @Test
    void unreadableDriftStateRestoresFromTheOlderGenerationBitForBit() {
        String reaction = DriftSpec.RESET_HEAD;
        List<byte[]> samples = DriftStreamTest.samples();
        ProcessorTask uninterrupted = DriftStreamTest.task(ProcessorTask.newStore(), 0, spec(reaction), SETTINGS);
        List<Record<byte[], byte[]>> expected = DriftStreamTest.feed(uninterrupted, samples, 0, SAMPLES);

        KeyValueStore<String, byte[]> store = ProcessorTask.newStore();
        ProcessorTask first = DriftStreamTest.task(store, 0, spec(reaction), SETTINGS);
        int stop = SWITCH + 8 * 3 * 2 + 5; // two snapshots after the swap's detection and reaction (at 1,568), and 5 samples
        List<Record<byte[], byte[]>> outputs = new ArrayList<>(DriftStreamTest.feed(first, samples, 0, stop));
        ModelStore modelStore = new ModelStore(store);
        int newest = modelStore.head(MODEL).generation();
        byte[] state = modelStore.drift(MODEL, newest);
        modelStore.putDrift(MODEL, newest, Arrays.copyOf(state, state.length - 1));
        ProcessorTask restarted = DriftStreamTest.task(store, first.offset, null, SETTINGS);
        outputs.addAll(DriftStreamTest.feed(restarted, samples, stop, SAMPLES));

        assertArrayEquals(uninterrupted.processor.encodedModel(MODEL), restarted.processor.encodedModel(MODEL), "bit-identical model");
        assertEquals(expected.size(), outputs.size());
        for (int k = 0; k < expected.size(); k++) {
            assertArrayEquals(expected.get(k).value(), outputs.get(k).value(), "output " + k);
        }
    }

    /**
     * After every reaction the model learns the swapped labels: at least 90% right over the stream's last 500 samples.
     * The log line "recovery" gives the figures: samples after the swap until 90 of the last 100 are right, and the
     * accuracy over the 500 after the swap.
     */
    @ParameterizedTest
    @ValueSource(strings = {DriftSpec.NONE, DriftSpec.RESET_OPTIMIZER, DriftSpec.RESET_WEIGHTS, DriftSpec.RESET_HEAD})
    void everyReactionRelearnsTheSwappedLabels(String reaction) {
        ProcessorTask task = DriftStreamTest.task(ProcessorTask.newStore(), 0, spec(reaction));
        List<byte[]> samples = DriftStreamTest.samples();
        List<Boolean> correct = new ArrayList<>();
        List<String> detections = new ArrayList<>();
        for (byte[] sample : samples) {
            task.send(MODEL, sample);
            task.context.forwarded().forEach(f -> {
                String sink = f.childName().orElse("");
                if (sink.equals(NeurostreamTopology.PREDICTIONS_SINK)) {
                    Prediction p = NeurostreamSerdes.prediction().deserializer().deserialize("p", f.record().value());
                    correct.add(p.getPredictedClass() == p.getLabel());
                } else if (sink.equals(NeurostreamTopology.DRIFT_SINK)) {
                    detections.add(NeurostreamSerdes.driftEvent().deserializer().deserialize("d", f.record().value()).getSampleId());
                }
            });
            task.context.resetForwards();
        }
        assertEquals(SAMPLES, correct.size());
        int recovered = -1;
        for (int i = SWITCH + 100; i <= SAMPLES && recovered < 0; i++) {
            if (correct.subList(i - 100, i).stream().filter(c -> c).count() >= 90) {
                recovered = i - SWITCH;
            }
        }
        double afterSwap = correct.subList(SWITCH, SWITCH + 500).stream().filter(c -> c).count() / 500.0;
        double last = correct.subList(SAMPLES - 500, SAMPLES).stream().filter(c -> c).count() / 500.0;
        LOG.info("recovery with {}: detections at {}; 90 of the last 100 right {} samples after the swap; accuracy {} over the 500 after it, {} over the"
                + " last 500", reaction, detections, recovered, afterSwap, last);
        assertTrue(last >= 0.9, "accuracy over the last 500: " + last);
    }

    private static boolean isDrift(Record<byte[], byte[]> r) {
        try {
            NeurostreamSerdes.driftEvent().deserializer().deserialize("drift", r.value());
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
