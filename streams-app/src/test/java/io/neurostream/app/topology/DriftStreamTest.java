// Drift detection in the training processor: a small classifier whose labels are swapped mid-stream.
package io.neurostream.app.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.produce.SyntheticSource;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.state.ModelStore;
import io.neurostream.app.training.DriftMonitor;
import io.neurostream.core.drift.DriftDetector;
import io.neurostream.core.drift.DriftSpec;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.schemas.DriftEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class DriftStreamTest {
    static final String MODEL = "drifty";
    /** Samples before the labels are swapped; the stream has twice as many. */
    static final int SWITCH = 1536;
    static final int SAMPLES = 2 * SWITCH;
    static final Map<String, String> SETTINGS = Map.of(NeurostreamConfig.SNAPSHOT_INTERVAL.name(), "4",
            NeurostreamConfig.PREDICTION_MAX_DELAY.name(), "0");

    /** Two inputs, a hidden layer, two classes, batches of 8; the drift section as given ("" for none). */
    static String spec(String drift) {
        return """
                {"name": "%s", "input": {"shape": [2]},
                 "layers": [{"type": "dense", "units": 8, "activation": "tanh"}, {"type": "dense", "units": 2, "activation": "softmax"}],
                 "loss": "cross_entropy", "optimizer": {"type": "adam", "learning_rate": 0.05}, "batch_size": 8, "seed": 11%s}
                """.formatted(MODEL, drift.isEmpty() ? "" : ", \"drift\": " + drift);
    }

    /** Points in [-1, 1]²; the label is whether x > 0, and from sample SWITCH on the opposite (the classes swap). */
    static List<byte[]> samples() {
        SplittableRandom random = new SplittableRandom(5);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            float x = (float) (random.nextDouble() * 2 - 1);
            float y = (float) (random.nextDouble() * 2 - 1);
            int label = (x > 0) == (i < SWITCH) ? 1 : 0;
            out.add(Samples.bytes(Samples.values("s" + i, x, y).setLabel(label)));
        }
        return out;
    }

    static Network network(String spec) {
        return Network.create(ModelSpec.parse(spec));
    }

    static ProcessorTask task(KeyValueStore<String, byte[]> store, long offset, String spec) {
        return task(store, offset, spec, SETTINGS);
    }

    static ProcessorTask task(KeyValueStore<String, byte[]> store, long offset, String spec, Map<String, String> settings) {
        ProcessorTask task = new ProcessorTask(store, offset, settings);
        if (spec != null) {
            task.sendSpec(MODEL, spec);
        }
        return task;
    }

    static List<Record<byte[], byte[]>> feed(ProcessorTask task, List<byte[]> samples, int from, int to) {
        for (int i = from; i < to; i++) {
            task.send(MODEL, samples.get(i));
        }
        return task.outputs();
    }

    @Test
    void detectorStateGoesWithEachSnapshotSoARestoreDetectsAtTheSameSample() {
        List<byte[]> samples = samples();
        KeyValueStore<String, byte[]> straight = ProcessorTask.newStore();
        ProcessorTask uninterrupted = task(straight, 0, spec(""));
        List<Record<byte[], byte[]>> expected = feed(uninterrupted, samples, 0, SAMPLES);

        KeyValueStore<String, byte[]> store = ProcessorTask.newStore();
        ProcessorTask first = task(store, 0, spec(""));
        int stop = SWITCH + 8 * 4 * 2 + 13; // after the switch, a snapshot and part of the journal since; before the detection
        List<Record<byte[], byte[]>> outputs = new ArrayList<>(feed(first, samples, 0, stop));
        ProcessorTask restarted = task(store, first.offset, null);
        outputs.addAll(feed(restarted, samples, stop, SAMPLES));

        DriftDetector detector = storedDetector(straight);
        assertTrue(detector.detections() >= 1, "the swap is detected");
        assertTrue(detector.last().updates() > stop, "after the restart point: " + detector.last());
        assertArrayEquals(stored(straight), stored(store), "the same detector state in the last snapshot");
        assertArrayEquals(uninterrupted.processor.encodedModel(MODEL), restarted.processor.encodedModel(MODEL), "bit-identical model");
        assertEquals(expected.size(), outputs.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).value(), outputs.get(i).value(), "output " + i);
        }
    }

    /** The drift events among a task's outputs. */
    static List<DriftEvent> driftEvents(ProcessorTask task) {
        List<DriftEvent> out = new ArrayList<>();
        task.context.forwarded().forEach(f -> {
            if (NeurostreamTopology.DRIFT_SINK.equals(f.childName().orElse(null))) {
                assertEquals(MODEL, new String(f.record().key(), StandardCharsets.UTF_8), "keyed by the model name");
                out.add(NeurostreamSerdes.driftEvent().deserializer().deserialize("drift", f.record().value()));
            }
        });
        task.context.resetForwards();
        return out;
    }

    static int index(DriftEvent event) {
        return Integer.parseInt(event.getSampleId().substring(1));
    }

    @Test
    void theSwapIsDetectedWithinAFewBatchesAfterItNotBeforeAndReportedOnTheDriftTopicAndTheCounter() {
        ProcessorTask task = task(ProcessorTask.newStore(), 0, spec(""));
        List<byte[]> samples = samples();
        List<DriftEvent> events = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            task.send(MODEL, samples.get(i));
            events.addAll(driftEvents(task));
        }
        assertFalse(events.isEmpty(), "detected");
        DriftEvent first = events.get(0);
        assertTrue(index(first) >= SWITCH && index(first) < SWITCH + 200, "first detection at " + first.getSampleId() + ", switch at " + SWITCH);
        for (DriftEvent e : events) {
            assertTrue(index(e) >= SWITCH, "no detection before the switch: " + e);
            assertEquals(MODEL, e.getModel());
            assertEquals(DriftSpec.ADWIN, e.getDetector());
            assertEquals(DriftSpec.NONE, e.getReaction());
            assertTrue(e.getMeanAfter() > e.getMeanBefore() && e.getStatistic() > e.getThreshold(), e.toString());
            assertEquals(index(e) + 1, e.getSamples(), "the detector read every labelled sample so far");
            assertEquals(Samples.values("x").build().getEventTime(), e.getEventTime());
        }
        assertTrue(first.getMeanBefore() < 0.2 && first.getMeanAfter() > 0.5, "the error rose from a learnt model's to above chance: " + first);
        assertTrue(first.getModelStep() >= SWITCH / 8 - 1 && first.getModelStep() <= index(first) / 8, "step " + first.getModelStep());
        double counted = task.metrics.registry().get("neurostream.drift.detected").tags("model", MODEL, "detector", DriftSpec.ADWIN).counter().count();
        assertEquals(events.size(), counted, "one count per event");
    }

    /** README "Drift detection": the xor-online preset learns XOR from 2,000 points, then the points' labels follow AND. */
    @Test
    void theReadmeExampleDetectsTheSwitchFromXorToAndAtItsSixteenthSample() {
        ProcessorTask task = new ProcessorTask(ProcessorTask.newStore(), 0, Map.of());
        for (String set : List.of("xor", "and")) {
            SyntheticSource source = SyntheticSource.of(set, 2000, 1, true);
            for (int i = 0; i < source.size(); i++) {
                task.send("xor-online", NeurostreamSerdes.sample().encode(source.sample(i, 0)));
            }
        }
        List<DriftEvent> events = new ArrayList<>();
        task.context.forwarded().forEach(f -> {
            if (NeurostreamTopology.DRIFT_SINK.equals(f.childName().orElse(null))) {
                events.add(NeurostreamSerdes.driftEvent().deserializer().deserialize("drift", f.record().value()));
            }
        });
        assertFalse(events.isEmpty());
        DriftEvent first = events.get(0);
        assertEquals("and-1-15", first.getSampleId(), first.toString());
        assertEquals(2016, first.getSamples());
        assertEquals(0.0, first.getMeanBefore());
        assertEquals(0.8125, first.getMeanAfter());
        assertTrue(events.stream().allMatch(e -> e.getSampleId().startsWith("and-")), "none while it learns XOR: " + events);
    }

    @Test
    void aModelWithDriftOffReportsNothing() {
        KeyValueStore<String, byte[]> store = ProcessorTask.newStore();
        ProcessorTask task = task(store, 0, spec("\"off\""));
        List<byte[]> samples = samples();
        for (int i = 0; i < SAMPLES; i++) {
            task.send(MODEL, samples.get(i));
            assertTrue(driftEvents(task).isEmpty(), "sample " + i);
        }
        assertNull(DriftMonitor.restore(network(spec("\"off\"")), stored(store)).detector(), "no detector in the snapshots");
    }

    /** The drift state stored with the newest snapshot (the stream ends with one: SAMPLES is a multiple of 4 batches). */
    static byte[] stored(KeyValueStore<String, byte[]> kv) {
        ModelStore store = new ModelStore(kv);
        byte[] state = store.drift(MODEL, store.head(MODEL).generation());
        assertNotNull(state, "drift state beside the snapshot");
        return state;
    }

    static DriftDetector storedDetector(KeyValueStore<String, byte[]> kv) {
        return DriftMonitor.restore(network(spec("")), stored(kv)).detector();
    }
}
