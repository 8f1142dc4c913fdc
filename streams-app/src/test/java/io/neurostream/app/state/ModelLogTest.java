// ModelLog keeps its invariants: the journal ring, the two snapshot generations, the counters, restore then replay.
package io.neurostream.app.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModelLogTest {
    private static final String MODEL = "m";
    private KeyValueStore<String, byte[]> kv;
    private ModelStore store;

    @BeforeEach
    void openStore() {
        kv = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ModelStore.NAME), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        kv.init(context.getStateStoreContext(), kv);
        store = new ModelStore(kv);
    }

    /** A model for these tests: the snapshot generation it started from and the journal entries applied since, in order. */
    record Replayed(int generation, List<String> entries) {}

    /** Replays into a Replayed; a generation listed in unreadable throws as a corrupt snapshot would. */
    private static ModelLog.Replay<Replayed> recording(int... unreadable) {
        return new ModelLog.Replay<>() {
            @Override
            public Replayed start(int generation) {
                for (int g : unreadable) {
                    if (g == generation) {
                        throw new IllegalStateException("generation " + generation + " is corrupt");
                    }
                }
                return new Replayed(generation, new ArrayList<>());
            }

            @Override
            public void apply(Replayed model, JournalEntry entry) {
                model.entries().add(entry.kind() == JournalEntry.Kind.SAMPLE ? new String(entry.sample(), StandardCharsets.UTF_8)
                        : entry.kind().name());
            }
        };
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldStartAnEmptyLogWithItsRingSizeWrittenInTheHead() {
        ModelLog log = ModelLog.open(store, MODEL, 8);
        assertEquals(Head.fresh(8), store.head(MODEL));
        assertEquals(Head.fresh(8), log.head());
    }

    @Test
    void shouldReplayEveryEntryAppendedSinceTheSnapshotInOrder() {
        ModelLog log = ModelLog.open(store, MODEL, 8);
        log.appendSample(1, bytes("a"));
        log.appendFlush(2);
        log.appendSample(3, bytes("b"));
        log.appendClose(4);
        assertEquals(0, store.head(MODEL).nextSeq(), "appends do not rewrite the head");

        ModelLog reopened = ModelLog.open(store, MODEL, 8);
        Replayed model = reopened.restore(recording(), 8);
        assertEquals(new Replayed(0, List.of("a", "FLUSH", "b", "CLOSE")), model);
        assertEquals(4, reopened.head().nextSeq(), "the log ends where the journal ends");
        assertEquals(4, reopened.entriesSinceSnapshot());
    }

    @Test
    void shouldWriteASnapshotToTheOtherGenerationAndKeepTheOneBefore() {
        ModelLog log = ModelLog.open(store, MODEL, 8);
        log.appendSample(1, bytes("a"));
        log.putSnapshot(bytes("s1"), bytes("stats1"), bytes("drift1"), 8);
        assertEquals(new Head(1, 1, 8, 0, 0, 0, 1), store.head(MODEL));
        log.appendSample(2, bytes("b"));
        log.putSnapshot(bytes("s2"), bytes("stats2"), bytes("drift2"), 8);
        assertEquals(new Head(2, 2, 8, 0, 0, 1, 0), store.head(MODEL));
        assertArrayEquals(bytes("s2"), store.snapshot(MODEL, 0));
        assertArrayEquals(bytes("s1"), store.snapshot(MODEL, 1));
        log.appendSample(3, bytes("c"));

        Replayed model = ModelLog.open(store, MODEL, 8).restore(recording(), 8);
        assertEquals(new Replayed(0, List.of("c")), model, "the newest generation and the journal since");
    }

    @Test
    void shouldRestoreFromTheGenerationBeforeWhenTheNewestDoesNotRead() {
        ModelLog log = ModelLog.open(store, MODEL, 8);
        log.appendSample(1, bytes("a"));
        log.putSnapshot(bytes("s1"), bytes("stats1"), bytes("drift1"), 8);
        log.appendSample(2, bytes("b"));
        log.putSnapshot(bytes("s2"), bytes("stats2"), bytes("drift2"), 8);
        log.appendSample(3, bytes("c"));

        ModelLog reopened = ModelLog.open(store, MODEL, 8);
        Replayed model = reopened.restore(recording(0), 8);
        assertEquals(new Replayed(1, List.of("b", "c")), model, "the older generation and the journal since it");
        assertEquals(new Head(3, 1, 8, 0, 0, Head.NONE, 1), store.head(MODEL), "the older generation is now the newest, with none before it");
        reopened.putSnapshot(bytes("s3"), bytes("stats3"), bytes("drift3"), 8);
        assertArrayEquals(bytes("s3"), store.snapshot(MODEL, 0), "the next snapshot overwrites the unreadable one");
    }

    @Test
    void shouldNotRestoreFromTheGenerationBeforeOnceItIsForgotten() {
        ModelLog log = ModelLog.open(store, MODEL, 8);
        log.appendSample(1, bytes("a"));
        log.putSnapshot(bytes("s1"), bytes("stats1"), bytes("drift1"), 8);
        log.appendSample(2, bytes("b"));
        log.putSnapshot(bytes("s2"), bytes("stats2"), bytes("drift2"), 8); // a replica's merge: the journal does not record it
        log.forgetOlderGeneration();
        log.appendSample(3, bytes("c"));
        assertEquals(Head.NONE, store.head(MODEL).previousSnapshotSeq());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ModelLog.open(store, MODEL, 8).restore(recording(0), 8));
        assertEquals("generation 0 is corrupt", e.getMessage(), "no replay from before the merge");
        log.putSnapshot(bytes("s3"), bytes("stats3"), bytes("drift3"), 8);
        assertEquals(new Replayed(0, List.of("c")), ModelLog.open(store, MODEL, 8).restore(recording(1), 8),
                "after the next snapshot, the merge's generation and the journal since it restore again");
    }

    @Test
    void shouldFailWhenNoGenerationRestores() {
        ModelLog log = ModelLog.open(store, MODEL, 8);
        log.appendSample(1, bytes("a"));
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> ModelLog.open(store, MODEL, 8).restore(recording(0), 8));
        assertEquals("generation 0 is corrupt", none.getMessage(), "no generation before to fall back to");
        log.putSnapshot(bytes("s1"), bytes("stats1"), bytes("drift1"), 8);
        IllegalStateException both = assertThrows(IllegalStateException.class, () -> ModelLog.open(store, MODEL, 8).restore(recording(0, 1), 8));
        assertEquals("generation 0 is corrupt", both.getMessage(), "the generation before fails too");
    }

    @Test
    void shouldRefuseAJournalThatEndsBeforeTheHeadSays() {
        ModelLog log = ModelLog.open(store, MODEL, 8);
        log.appendSample(1, bytes("a"));
        log.appendSample(2, bytes("b"));
        log.writeHead();
        kv.delete(MODEL + "/journal/1");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ModelLog.open(store, MODEL, 8).restore(recording(), 8));
        assertTrue(e.getMessage().startsWith("model m: journal entry 1 is missing"), e.getMessage());
    }

    @Test
    void shouldGiveUpTheOlderGenerationBeforeTheRingOverwritesItsFirstEntry() {
        ModelLog log = ModelLog.open(store, MODEL, 4);
        log.appendSample(1, bytes("a"));
        log.putSnapshot(bytes("s1"), bytes("stats1"), bytes("drift1"), 4);
        log.appendSample(2, bytes("b"));
        log.putSnapshot(bytes("s2"), bytes("stats2"), bytes("drift2"), 4);
        assertEquals(1, log.head().previousSnapshotSeq());
        for (int i = 0; i < 3; i++) {
            log.appendSample(3 + i, bytes("c" + i));
        }
        assertEquals(1, store.head(MODEL).previousSnapshotSeq(), "entries 1..4 fit a ring of 4");
        log.appendSample(6, bytes("d"));
        assertEquals(Head.NONE, store.head(MODEL).previousSnapshotSeq(), "entry 5 overwrites entry 1, the older generation's first");
        Replayed model = ModelLog.open(store, MODEL, 4).restore(recording(), 4);
        assertEquals(new Replayed(0, List.of("c0", "c1", "c2", "d")), model);
    }

    @Test
    void shouldResizeTheRingOnlyAtASnapshotOrWhileTheJournalIsEmpty() {
        ModelLog log = ModelLog.open(store, MODEL, 8);
        log.appendSample(1, bytes("a"));
        log.putSnapshot(bytes("s1"), bytes("stats1"), bytes("drift1"), 8);
        log.appendSample(2, bytes("b"));
        ModelLog reopened = ModelLog.open(store, MODEL, 16);
        assertEquals(new Replayed(1, List.of("b")), reopened.restore(recording(), 16));
        assertEquals(8, reopened.journalSlots(), "entries since the snapshot sit at their places in the ring of 8");

        reopened.putSnapshot(bytes("s2"), bytes("stats2"), bytes("drift2"), 16);
        assertEquals(new Head(2, 2, 16, 0, 0, Head.NONE, 0), store.head(MODEL), "resized: the older generation's entries are not where a ring of 16 looks");

        ModelLog empty = ModelLog.open(store, MODEL, 32);
        empty.restore(recording(), 32);
        assertEquals(new Head(2, 2, 32, 0, 0, Head.NONE, 0), store.head(MODEL), "an empty journal takes the new size at once");
    }

    @Test
    void shouldWriteTheCountersAndDiscardSnapshotsKeepingThem() {
        ModelLog log = ModelLog.open(store, MODEL, 8);
        log.countPredicted();
        log.countDeadLettered();
        log.countDeadLettered();
        assertEquals(new Head(0, 0, 8, 1, 2, Head.NONE, 0), store.head(MODEL));
        log.appendSample(1, bytes("a"));
        log.putSnapshot(bytes("s1"), bytes("stats1"), bytes("drift1"), 8);
        log.appendSample(2, bytes("b"));

        ModelLog.discardSnapshots(store, MODEL, log.head());
        assertEquals(null, store.snapshot(MODEL, 1));
        assertEquals(new Head(2, 2, 8, 1, 2, Head.NONE, 0), store.head(MODEL), "the journal goes on where it ends, from the spec");
        assertEquals(new Replayed(0, List.of()), ModelLog.open(store, MODEL, 8).restore(recording(), 8));
    }
}
