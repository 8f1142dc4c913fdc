// One event since the last snapshot: a labelled sample joined the batch, or the pending predictions were flushed.
package io.neurostream.app.state;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Replaying the entries in order after the snapshot rebuilds the model, its pending batch and
 * its prequential figures exactly. A flush is journaled because it decides which batch size the
 * pending predictions were computed with.
 *
 * @param seq       position in the journal (also checked against the slot it is read from)
 * @param timestamp the input record's timestamp
 * @param sample    the sample's Avro bytes as received; null for a flush
 */
public record JournalEntry(long seq, long timestamp, byte[] sample) {
    private static final byte SAMPLE = 1;
    private static final byte FLUSH = 2;

    public static JournalEntry sample(long seq, long timestamp, byte[] avro) {
        return new JournalEntry(seq, timestamp, avro);
    }

    public static JournalEntry flush(long seq, long timestamp) {
        return new JournalEntry(seq, timestamp, null);
    }

    public boolean isFlush() {
        return sample == null;
    }

    public byte[] encode() {
        int payload = sample == null ? 0 : sample.length;
        return ByteBuffer.allocate(1 + 8 + 8 + payload).put(sample == null ? FLUSH : SAMPLE).putLong(seq).putLong(timestamp)
                .put(sample == null ? new byte[0] : sample).array();
    }

    public static JournalEntry decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte type = in.get();
        long seq = in.getLong();
        long timestamp = in.getLong();
        if (type == FLUSH) {
            return flush(seq, timestamp);
        }
        if (type != SAMPLE) {
            throw new IllegalStateException("journal entry " + seq + " has unknown type " + type);
        }
        return sample(seq, timestamp, Arrays.copyOfRange(bytes, in.position(), bytes.length));
    }
}
