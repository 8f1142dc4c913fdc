// One event since the last snapshot: a labelled sample joined the batch (labelled on arrival, or later by its label), the pending predictions were flushed, or the batch was closed early.
package io.neurostream.app.state;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Replaying the entries in order after the snapshot rebuilds the model, its pending batch and
 * its prequential figures exactly. A flush is journaled because it decides which batch size the
 * pending predictions were computed with; a close because it decides where a batch ends (a
 * partial batch trained after {@code neurostream.batch.max.delay.ms}), which a replay must not
 * decide again from the wall clock.
 *
 * @param kind      what happened
 * @param seq       position in the journal (also checked against the slot it is read from)
 * @param timestamp the input record's timestamp (a sample), or the wall-clock time of the decision (a flush or a close)
 * A labelled entry is a sample kept without a label whose label came later (delayed labels): it carries the sample with
 * that label and the score its kept prediction got, which the prequential figures took then and a replay takes again.
 *
 * @param sample    the sample's Avro bytes as received (a labelled entry: with the label that came); null for a flush or a close
 * @param loss      a labelled entry's kept-prediction loss; NaN otherwise
 * @param correct   whether a labelled entry's kept prediction was right; false otherwise
 */
public record JournalEntry(Kind kind, long seq, long timestamp, byte[] sample, double loss, boolean correct) {
    /** The entry's type byte is the ordinal plus one (1 sample, 2 flush, 3 close, 4 labelled); new kinds go at the end. */
    public enum Kind { SAMPLE, FLUSH, CLOSE, LABELLED }

    public static JournalEntry sample(long seq, long timestamp, byte[] avro) {
        return new JournalEntry(Kind.SAMPLE, seq, timestamp, avro, Double.NaN, false);
    }

    public static JournalEntry flush(long seq, long timestamp) {
        return new JournalEntry(Kind.FLUSH, seq, timestamp, null, Double.NaN, false);
    }

    /** The pending batch, partial, was trained here as a smaller batch. */
    public static JournalEntry close(long seq, long timestamp) {
        return new JournalEntry(Kind.CLOSE, seq, timestamp, null, Double.NaN, false);
    }

    /** A kept sample's label came (timestamp: the label record's): the sample, labelled, joins the batch with its kept score. */
    public static JournalEntry labelled(long seq, long timestamp, byte[] avro, double loss, boolean correct) {
        return new JournalEntry(Kind.LABELLED, seq, timestamp, avro, loss, correct);
    }

    public byte[] encode() {
        byte[] payload = sample == null ? new byte[0] : sample;
        boolean scored = kind == Kind.LABELLED;
        ByteBuffer out = ByteBuffer.allocate(1 + 8 + 8 + (scored ? 9 : 0) + payload.length).put((byte) (kind.ordinal() + 1)).putLong(seq)
                .putLong(timestamp);
        if (scored) {
            out.putDouble(loss).put((byte) (correct ? 1 : 0));
        }
        return out.put(payload).array();
    }

    public static JournalEntry decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte type = in.get();
        long seq = in.getLong();
        long timestamp = in.getLong();
        Kind[] kinds = Kind.values();
        if (type < 1 || type > kinds.length) {
            throw new IllegalStateException("journal entry " + seq + " has unknown type " + type);
        }
        return switch (kinds[type - 1]) {
            case SAMPLE -> sample(seq, timestamp, Arrays.copyOfRange(bytes, in.position(), bytes.length));
            case FLUSH -> flush(seq, timestamp);
            case CLOSE -> close(seq, timestamp);
            case LABELLED -> {
                double loss = in.getDouble();
                boolean correct = in.get() == 1;
                yield labelled(seq, timestamp, Arrays.copyOfRange(bytes, in.position(), bytes.length), loss, correct);
            }
        };
    }
}
