// The small per-model record of where the journal stands and the counters not kept in the snapshot.
package io.neurostream.app.state;

import java.nio.ByteBuffer;

/**
 * Written when the counters change, at a snapshot, and when the model is replaced, but not for
 * each journal entry: the journal's end is where the entries stop following on from
 * {@code nextSeq} (the entries after it are found when the journal is replayed), which saves a
 * store write per sample.
 *
 * @param nextSeq         the journal holds every entry below this (and maybe more that follow on)
 * @param snapshotSeq     the snapshot covers every journal entry below this; entries from here on are replayed
 * @param journalSlots    the journal is a ring of this many keys (fixed between snapshots)
 * @param predicted       samples of this model that were only predicted (no label)
 * @param deadLettered    samples of this model that were dead-lettered
 */
public record Head(long nextSeq, long snapshotSeq, int journalSlots, long predicted, long deadLettered) {
    private static final byte VERSION = 1;
    private static final int BYTES = 1 + 8 + 8 + 4 + 8 + 8;

    public static Head fresh(int journalSlots) {
        return new Head(0, 0, journalSlots, 0, 0);
    }

    public byte[] encode() {
        return ByteBuffer.allocate(BYTES).put(VERSION).putLong(nextSeq).putLong(snapshotSeq).putInt(journalSlots)
                .putLong(predicted).putLong(deadLettered).array();
    }

    public static Head decode(String model, byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (bytes.length != BYTES || in.get() != VERSION) {
            throw new IllegalStateException("model " + model + ": unreadable head record (" + bytes.length + " bytes, version " + bytes[0] + ")");
        }
        return new Head(in.getLong(), in.getLong(), in.getInt(), in.getLong(), in.getLong());
    }

}
