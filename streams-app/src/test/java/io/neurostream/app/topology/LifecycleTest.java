// The processor's lifecycle: init() after an aborted transaction restores from the store, and a memory budget evicts models that reload bit for bit.
package io.neurostream.app.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.neurostream.app.config.NeurostreamConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    private static final Map<String, String> SETTINGS = Map.of(NeurostreamConfig.SNAPSHOT_INTERVAL.name(), "2");
    private static final List<String> GATES = List.of("logic-and", "logic-or", "xor");

    /** Whole batches (4 rows) of a gate's truth table, so no prediction is pending between turns. */
    private static void batch(ProcessorTask task, String model, int turn) {
        for (int i = 0; i < 4; i++) {
            int a = (i + turn) >> 1 & 1;
            int b = (i + turn) & 1;
            int label = switch (model) {
                case "logic-and" -> a & b;
                case "logic-or" -> a | b;
                default -> a ^ b;
            };
            task.send(model, Samples.bytes(Samples.values(model + "-" + turn + "-" + i, a, b).setLabel(label)));
        }
    }

    private static List<byte[]> values(List<Record<byte[], byte[]>> records) {
        List<byte[]> out = new ArrayList<>();
        records.forEach(r -> out.add(r.value()));
        return out;
    }

    private static void assertSameOutputs(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size(), "the same number of outputs");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "output " + i);
        }
    }

    @Test
    void shouldNotRunAheadOfTheCommitWhenInitialisedAgainAfterAnAbort() {
        ProcessorTask uninterrupted = new ProcessorTask(ProcessorTask.newStore(), 0, SETTINGS);
        for (int turn = 0; turn < 10; turn++) {
            batch(uninterrupted, "xor", turn);
        }
        List<byte[]> expected = values(uninterrupted.outputs());

        KeyValueStore<String, byte[]> store = ProcessorTask.newStore();
        ProcessorTask task = new ProcessorTask(store, 0, SETTINGS);
        for (int turn = 0; turn < 5; turn++) {
            batch(task, "xor", turn);
        }
        List<byte[]> committedOutputs = values(task.outputs());
        Map<String, byte[]> committed = ProcessorTask.commit(store);
        for (int turn = 5; turn < 8; turn++) {
            batch(task, "xor", turn); // processed, then the transaction aborts: these outputs and store writes are discarded
        }
        task.abortAndReinit(store, committed);
        assertNull(task.processor.encodedModel("xor"), "nothing kept in memory across init");
        task.offset -= 3 * 4; // the aborted records are read again
        for (int turn = 5; turn < 10; turn++) {
            batch(task, "xor", turn);
        }
        committedOutputs.addAll(values(task.outputs()));

        assertArrayEquals(uninterrupted.processor.encodedModel("xor"), task.processor.encodedModel("xor"), "bit-identical model");
        assertSameOutputs(expected, committedOutputs);
    }

    @Test
    void shouldEvictBeyondTheBudgetAndReloadBitIdentical() {
        ProcessorTask unbounded = new ProcessorTask(ProcessorTask.newStore(), 0, SETTINGS);
        ProcessorTask bounded = new ProcessorTask(ProcessorTask.newStore(), 0,
                Map.of(NeurostreamConfig.SNAPSHOT_INTERVAL.name(), "2", NeurostreamConfig.MODELS_MAX_LOADED.name(), "1"));
        for (int turn = 0; turn < 9; turn++) {
            for (String gate : GATES) {
                batch(unbounded, gate, turn);
                batch(bounded, gate, turn);
                assertNotNull(bounded.processor.encodedModel(gate));
                for (String other : GATES) {
                    if (!other.equals(gate)) {
                        assertNull(bounded.processor.encodedModel(other), other + " evicted while " + gate + " trains");
                    }
                }
            }
        }
        assertSameOutputs(values(unbounded.outputs()), values(bounded.outputs()));
        assertArrayEquals(unbounded.processor.encodedModel("xor"), bounded.processor.encodedModel("xor"), "bit-identical after 8 reloads");
    }
}
