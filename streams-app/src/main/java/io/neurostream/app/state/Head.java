// The small per-model record of where the journal stands, which snapshot generations hold what, and the counters not kept in the snapshot.
package io.neurostream.app.state;

import java.nio.ByteBuffer;

/**
 * Written when the counters change, at a snapshot, and when the model is replaced, but not for
 * each journal entry: the journal's end is where the entries stop following on from
 * {@code nextSeq} (the entries after it are found when the journal is replayed), which saves a
 * store write per sample.
 *
 * <p>Two snapshot generations are kept (DESIGN.md §4): the newest, in {@code generation}, and
 * the one before it, in the other, with the journal since the older one. When the newest does not
 * read back (a corrupt chunk), the older one plus the journal gives the same model.
 *
 * @param nextSeq             the journal holds every entry below this (and maybe more that follow on)
 * @param snapshotSeq         the newest snapshot covers every journal entry below this; entries from here on are replayed
 * @param journalSlots        the journal is a ring of this many keys (fixed between snapshots)
 * @param predicted           samples of this model that were only predicted (no label)
 * @param deadLettered        samples of this model that were dead-lettered
 * @param previousSnapshotSeq where the generation before the newest starts (its snapshot, or the spec when it has none), or
 *                            {@link #NONE}; the journal still holds every entry from here on
 * @param generation          0 or 1: where the newest snapshot is stored ({@link ModelStore})
 */
public record Head(long nextSeq, long snapshotSeq, int journalSlots, long predicted, long deadLettered, long previousSnapshotSeq, int generation) {
    public static final long NONE = -1;
    private static final byte VERSION_1 = 1;
    private static final byte VERSION = 2;
    private static final int BYTES_1 = 1 + 8 + 8 + 4 + 8 + 8;
    private static final int BYTES = BYTES_1 + 8 + 1;

    public static Head fresh(int journalSlots) {
        return new Head(0, 0, journalSlots, 0, 0, NONE, 0);
    }

    public byte[] encode() {
        return ByteBuffer.allocate(BYTES).put(VERSION).putLong(nextSeq).putLong(snapshotSeq).putInt(journalSlots)
                .putLong(predicted).putLong(deadLettered).putLong(previousSnapshotSeq).put((byte) generation).array();
    }

    /** Reads this version and version 1 (one snapshot generation, stored where generation 0 is). */
    public static Head decode(String model, byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte version = bytes.length == 0 ? 0 : in.get();
        if (version == VERSION_1 && bytes.length == BYTES_1) {
            return new Head(in.getLong(), in.getLong(), in.getInt(), in.getLong(), in.getLong(), NONE, 0);
        }
        if (version != VERSION || bytes.length != BYTES) {
            throw new IllegalStateException("model " + model + ": unreadable head record (" + bytes.length + " bytes, version " + version + ")");
        }
        return new Head(in.getLong(), in.getLong(), in.getInt(), in.getLong(), in.getLong(), in.getLong(), in.get());
    }
}
