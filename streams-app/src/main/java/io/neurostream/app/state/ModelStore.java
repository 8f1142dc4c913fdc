// The layout of the model state store: spec, head, snapshot chunks with their manifest, prequential stats and the journal.
package io.neurostream.app.state;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keys are "MODEL/spec", "MODEL/rejected", "MODEL/head", "MODEL/manifest", "MODEL/snapshot/I", "MODEL/stats", "MODEL/drift"
 * (snapshot generation 0), the same under "MODEL/1/" (generation 1) and "MODEL/journal/SLOT" (DESIGN.md §4). Model names cannot contain '/', so keys of different
 * models never collide; the model name is a prefix, not the whole key, which leaves room for
 * per-replica state later (§9). Everything is written in the task's Kafka transaction.
 */
public final class ModelStore {
    public static final String NAME = "neurostream-model-state";

    private final KeyValueStore<String, byte[]> kv;

    public ModelStore(KeyValueStore<String, byte[]> kv) {
        this.kv = kv;
    }

    public String spec(String model) {
        return text(model + "/spec");
    }

    public void putSpec(String model, String json) {
        kv.put(model + "/spec", json.getBytes(StandardCharsets.UTF_8));
    }

    public void deleteSpec(String model) {
        kv.delete(model + "/spec");
    }

    /** Why the last spec for a model that has none was rejected, or null: its samples are dead-lettered with this reason. */
    public String rejected(String model) {
        return text(model + "/rejected");
    }

    private String text(String key) {
        byte[] b = kv.get(key);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    public void putRejected(String model, String reason) {
        kv.put(model + "/rejected", reason.getBytes(StandardCharsets.UTF_8));
    }

    public void deleteRejected(String model) {
        kv.delete(model + "/rejected");
    }

    public Head head(String model) {
        byte[] b = kv.get(model + "/head");
        return b == null ? null : Head.decode(model, b);
    }

    public void putHead(String model, Head head) {
        kv.put(model + "/head", head.encode());
    }

    public void putJournal(String model, int slots, JournalEntry entry) {
        kv.put(journalKey(model, entry.seq(), slots), entry.encode());
    }

    /**
     * The entry with this sequence number, or null when its slot is empty or holds another entry
     * (an older one of the ring: the journal ends before {@code seq}).
     */
    public JournalEntry journal(String model, long seq, int slots) {
        return journal(kv::get, model, seq, slots);
    }

    /** The same lookup over any view of the store's keys (tests read the changelog with it). */
    public static JournalEntry journal(Function<String, byte[]> store, String model, long seq, int slots) {
        byte[] b = store.apply(journalKey(model, seq, slots));
        JournalEntry e = b == null ? null : JournalEntry.decode(b);
        return e == null || e.seq() != seq ? null : e;
    }

    private static String journalKey(String model, long seq, int slots) {
        return model + "/journal/" + Math.floorMod(seq, slots);
    }

    /** Stores a snapshot generation (0 or 1) as chunks plus manifest, and the prequential stats that go with it. */
    public void putSnapshot(String model, int generation, byte[] snapshot, byte[] stats) {
        String prefix = generationPrefix(model, generation);
        ChunkedBlob.put(kv, prefix + "manifest", prefix + "snapshot/", snapshot);
        kv.put(prefix + "stats", stats);
    }

    /**
     * The snapshot of a generation, reassembled and checked, or null when it has none.
     *
     * @throws io.neurostream.core.codec.SnapshotException when a chunk or the manifest does not read back
     */
    public byte[] snapshot(String model, int generation) {
        return snapshot(kv::get, model, generation);
    }

    /** The same lookup over any view of the store's keys (tests read the changelog with it). */
    public static byte[] snapshot(Function<String, byte[]> store, String model, int generation) {
        String prefix = generationPrefix(model, generation);
        return ChunkedBlob.get(store, prefix + "manifest", prefix + "snapshot/");
    }

    public byte[] stats(String model, int generation) {
        return kv.get(generationPrefix(model, generation) + "stats");
    }

    /** Stores the drift detector's state that goes with a snapshot generation (written after {@link #putSnapshot}). */
    public void putDrift(String model, int generation, byte[] state) {
        kv.put(generationPrefix(model, generation) + "drift", state);
    }

    /** The drift detector's state of a snapshot generation, or null (none stored: the detector starts afresh). */
    public byte[] drift(String model, int generation) {
        return kv.get(generationPrefix(model, generation) + "drift");
    }

    /** Forgets both snapshot generations (the model starts from its spec again); journal slots are left to be overwritten. */
    public void deleteSnapshot(String model) {
        for (int generation = 0; generation < 2; generation++) {
            String prefix = generationPrefix(model, generation);
            ChunkedBlob.delete(kv, prefix + "manifest", prefix + "snapshot/");
            kv.delete(prefix + "stats");
            kv.delete(prefix + "drift");
        }
    }

    /** Generation 0's keys are "MODEL/manifest", ... (as in stores written with one generation, which read as generation 0); generation 1's "MODEL/1/manifest", .... */
    private static String generationPrefix(String model, int generation) {
        return generation == 0 ? model + "/" : model + "/1/";
    }
}
