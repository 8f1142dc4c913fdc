// One event since the last snapshot: a labelled sample joined the batch, the pending predictions were flushed, or the batch was closed early.
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
 * @param sample    the sample's Avro bytes as received; null for a flush or a close
 */
public record JournalEntry(Kind kind, long seq, long timestamp, byte[] sample) {
    /** The entry's type byte is the ordinal plus one (1 sample, 2 flush, 3 close); new kinds go at the end. */
    public enum Kind { SAMPLE, FLUSH, CLOSE }

    public static JournalEntry sample(long seq, long timestamp, byte[] avro) {
        return new JournalEntry(Kind.SAMPLE, seq, timestamp, avro);
    }

    public static JournalEntry flush(long seq, long timestamp) {
        return new JournalEntry(Kind.FLUSH, seq, timestamp, null);
    }

    /** The pending batch, partial, was trained here as a smaller batch. */
    public static JournalEntry close(long seq, long timestamp) {
        return new JournalEntry(Kind.CLOSE, seq, timestamp, null);
    }

    public byte[] encode() {
        byte[] payload = sample == null ? new byte[0] : sample;
        return ByteBuffer.allocate(1 + 8 + 8 + payload.length).put((byte) (kind.ordinal() + 1)).putLong(seq).putLong(timestamp)
                .put(payload).array();
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
        };
    }
}
