// The durable bookkeeping of one model: the journal ring, the two snapshot generations and the counters its head keeps.
package io.neurostream.app.state;

import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that moves a model's {@link Head}. Invariants, kept by every method:
 * <ul>
 *   <li>{@code previousSnapshotSeq <= snapshotSeq <= nextSeq}, and every journal entry from the oldest generation kept
 *       ({@code previousSnapshotSeq}, else {@code snapshotSeq}) up to {@code nextSeq} is in the ring: an append that would
 *       overwrite the first entry of the older generation gives that generation up ({@code previousSnapshotSeq = NONE});</li>
 *   <li>a snapshot is written to the generation that is not the newest, which it then becomes: the newest and the one before
 *       it are always both readable unless one is given up;</li>
 *   <li>the ring's size changes only with a snapshot or while the journal since the snapshot is empty, and then the
 *       generation before (whose entries were placed for the old size) is given up;</li>
 *   <li>the head is written whenever a counter, a generation or the ring size changes, but not per journal entry: a
 *       restore finds the journal's end where the entries stop following on from the head's {@code nextSeq}.</li>
 * </ul>
 */
public final class ModelLog {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLog.class);

    /** How a restore rebuilds the model from a snapshot generation and the journal entries after it. */
    public interface Replay<M> {
        /** The model as snapshot generation {@code generation} left it (from its spec when that generation has none). */
        M start(int generation);

        /** Applies one journal entry to the model; throws when it no longer applies. */
        void apply(M model, JournalEntry entry);
    }

    private final ModelStore store;
    private final String model;
    private long nextSeq;
    private long snapshotSeq;
    private int journalSlots;
    private long predicted;
    private long deadLettered;
    private long previousSnapshotSeq;
    private int generation;

    private ModelLog(ModelStore store, String model, Head head) {
        this.store = store;
        this.model = model;
        this.nextSeq = head.nextSeq();
        this.snapshotSeq = head.snapshotSeq();
        this.journalSlots = head.journalSlots();
        this.predicted = head.predicted();
        this.deadLettered = head.deadLettered();
        this.previousSnapshotSeq = head.previousSnapshotSeq();
        this.generation = head.generation();
    }

    /** The model's log as its stored head says; a model with none starts an empty one with a ring of {@code slots} (and writes it). */
    public static ModelLog open(ModelStore store, String model, int slots) {
        Head head = store.head(model);
        if (head == null) {
            head = Head.fresh(slots);
            store.putHead(model, head); // the ring size its first journal entries are written with
        }
        return new ModelLog(store, model, head);
    }

    /**
     * Forgets both snapshot generations of a model whose spec is replaced or deleted: its next use starts from the spec, and the
     * journal goes on where it ends (its entries before are never replayed). The counters are kept.
     *
     * @param current the model's head if loaded ({@link #head()}), else null to read it from the store
     */
    public static void discardSnapshots(ModelStore store, String model, Head current) {
        Head head = current != null ? current : store.head(model);
        store.deleteSnapshot(model);
        if (head != null) {
            store.putHead(model, new Head(head.nextSeq(), head.nextSeq(), head.journalSlots(), head.predicted(), head.deadLettered(), Head.NONE, 0));
        }
    }

    /**
     * Rebuilds the model: from the newest snapshot generation and the journal since; when that does not restore (a corrupt
     * chunk, an entry that no longer applies), from the generation before it and the journal since that one, which gives the
     * same model bit for bit. Errors of Kafka itself are not retried. Afterwards the log ends where the journal ends, and a
     * ring whose journal is empty takes the size {@code slots}.
     */
    public <M> M restore(Replay<M> replay, int slots) {
        M restored;
        try {
            restored = replay(replay, generation, snapshotSeq);
        } catch (KafkaException e) {
            throw e;
        } catch (RuntimeException e) {
            if (previousSnapshotSeq == Head.NONE) {
                throw e;
            }
            LOG.warn("model {}: the newest snapshot does not restore ({}); restoring from the one before it and the journal since", model,
                    firstLine(e));
            int older = 1 - generation;
            restored = replay(replay, older, previousSnapshotSeq);
            generation = older; // the next snapshot overwrites the unreadable one
            snapshotSeq = previousSnapshotSeq;
            previousSnapshotSeq = Head.NONE;
            writeHead();
        }
        if (nextSeq == snapshotSeq && journalSlots != slots) {
            journalSlots = slots; // the ring can change size (a new snapshot interval) while it is empty
            previousSnapshotSeq = Head.NONE;
            writeHead();
        }
        return restored;
    }

    private <M> M replay(Replay<M> replay, int fromGeneration, long fromSeq) {
        M restored = replay.start(fromGeneration);
        long seq = fromSeq;
        for (JournalEntry entry; (entry = store.journal(model, seq, journalSlots)) != null; seq++) {
            replay.apply(restored, entry);
        }
        if (seq < nextSeq) {
            throw new IllegalStateException("model " + model + ": journal entry " + seq + " is missing (the head records entries up to "
                    + nextSeq + "); the state store is inconsistent");
        }
        nextSeq = seq;
        return restored;
    }

    /** A labelled sample joined the pending batch. */
    public void appendSample(long timestamp, byte[] avro) {
        append(JournalEntry.sample(nextSeq, timestamp, avro));
    }

    /** A sample kept without a label got its label (delayed labels): labelled, it joined the pending batch with its kept score. */
    public void appendLabelled(long timestamp, byte[] avro, double loss, boolean correct) {
        append(JournalEntry.labelled(nextSeq, timestamp, avro, loss, correct));
    }

    /** The pending predictions were emitted early. */
    public void appendFlush(long wallClockMillis) {
        append(JournalEntry.flush(nextSeq, wallClockMillis));
    }

    /** The partial pending batch was trained as a smaller batch. */
    public void appendClose(long wallClockMillis) {
        append(JournalEntry.close(nextSeq, wallClockMillis));
    }

    private void append(JournalEntry entry) {
        if (previousSnapshotSeq != Head.NONE && nextSeq - previousSnapshotSeq >= journalSlots) {
            previousSnapshotSeq = Head.NONE; // this entry overwrites the older generation's first one: that generation no longer restores
            writeHead();
        }
        store.putJournal(model, journalSlots, entry);
        nextSeq++;
    }

    /**
     * Stores a snapshot of the model as it is after every journal entry so far, in the generation that is not the newest, with a
     * ring of {@code slots} from here on; {@code stats} and {@code drift} are the prequential figures and the drift detector
     * as they were at that point.
     */
    public void putSnapshot(byte[] snapshot, byte[] stats, byte[] drift, int slots) {
        int next = 1 - generation; // the newest becomes the one before it
        store.putSnapshot(model, next, snapshot, stats);
        store.putDrift(model, next, drift);
        // a resized ring no longer holds the entries since the older generation at their places
        previousSnapshotSeq = journalSlots == slots ? snapshotSeq : Head.NONE;
        snapshotSeq = nextSeq;
        generation = next;
        journalSlots = slots;
        writeHead();
    }

    /**
     * Gives up the snapshot generation before the newest: a restore that cannot read the newest then fails (the model is
     * quarantined) instead of replaying the journal from the older one. A replica calls it right after the snapshot of a merge,
     * since its journal does not record the merge.
     */
    public void forgetOlderGeneration() {
        if (previousSnapshotSeq != Head.NONE) {
            previousSnapshotSeq = Head.NONE;
            writeHead();
        }
    }

    /** Counts a sample of this model that was only predicted. */
    public void countPredicted() {
        predicted++;
        writeHead();
    }

    /** Counts a record of this model that was dead-lettered. */
    public void countDeadLettered() {
        deadLettered++;
        writeHead();
    }

    /** Writes the head as it stands (before the model leaves memory: the journal's end is then recorded). */
    public void writeHead() {
        store.putHead(model, head());
    }

    public Head head() {
        return new Head(nextSeq, snapshotSeq, journalSlots, predicted, deadLettered, previousSnapshotSeq, generation);
    }

    public String model() {
        return model;
    }

    public long predicted() {
        return predicted;
    }

    public long deadLettered() {
        return deadLettered;
    }

    /** Journal entries since the newest snapshot (replayed on the next restore). */
    public long entriesSinceSnapshot() {
        return nextSeq - snapshotSeq;
    }

    public int generation() {
        return generation;
    }

    public int journalSlots() {
        return journalSlots;
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
