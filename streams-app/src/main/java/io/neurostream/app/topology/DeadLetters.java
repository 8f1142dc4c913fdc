// Builds the dead-letter record of an input record: where it came from, why, and its original bytes, cut to bounds that always fit a request.
package io.neurostream.app.topology;

import io.neurostream.app.records.DeadLetterReason;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * A dead letter keeps the original key and value unchanged up to their bounds (a key of
 * {@value #MAX_KEY_BYTES} bytes, a value of {@code neurostream.record.max.bytes}); longer ones are
 * cut and the message says so. The message is cut at {@value #MAX_MESSAGE_CHARS} characters, with its
 * control characters escaped so that it is one line. So a
 * dead letter is never larger than {@link #maxBytes(int)}, which start-up checks against the producer's
 * {@code max.request.size}.
 */
final class DeadLetters {
    static final int MAX_KEY_BYTES = 1024;
    static final int MAX_MESSAGE_CHARS = 1000;
    /** Room for the dead letter's other fields, the output record's key and Kafka's record and batch headers. */
    static final int OVERHEAD_BYTES = 4 * MAX_KEY_BYTES + 4 * MAX_MESSAGE_CHARS + 4096;

    private DeadLetters() {}

    /** The largest dead letter (with its record key and headers) for values cut at maxValueBytes. */
    static long maxBytes(int maxValueBytes) {
        return (long) maxValueBytes + OVERHEAD_BYTES;
    }

    /**
     * The text with control characters (line breaks included) written as \\uXXXX: keys and ids
     * come from producers, and a message or log line stays one line whatever they hold.
     */
    static String printable(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                out.append(String.format("\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /** The output record's key: the input's, cut to {@value #MAX_KEY_BYTES} bytes. */
    static byte[] key(byte[] key) {
        return key == null || key.length <= MAX_KEY_BYTES ? key : Arrays.copyOf(key, MAX_KEY_BYTES);
    }

    static byte[] encode(RecordMetadata source, DeadLetterReason reason, String message, String model, byte[] key, byte[] value, long timestamp,
                         int maxValueBytes) {
        return NeurostreamSerdes.deadLetter().encode(of(source, reason, message, model, key, value, timestamp, maxValueBytes));
    }

    static DeadLetter of(RecordMetadata source, DeadLetterReason reason, String message, String model, byte[] key, byte[] value, long timestamp,
                         int maxValueBytes) {
        String cut = "";
        if (key != null && key.length > MAX_KEY_BYTES) {
            cut += "; key cut to its first " + MAX_KEY_BYTES + " of " + key.length + " bytes";
        }
        if (value != null && value.length > maxValueBytes) {
            cut += "; value cut to its first " + maxValueBytes + " of " + value.length + " bytes";
        }
        String text = printable(message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) + "..." : message);
        return DeadLetter.newBuilder()
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setReason(reason.name())
                .setMessage(text + cut)
                .setModel(model == null || model.length() <= MAX_MESSAGE_CHARS ? model : model.substring(0, MAX_MESSAGE_CHARS))
                .setKey(key == null ? null : ByteBuffer.wrap(key(key)))
                .setValue(value == null ? null : ByteBuffer.wrap(value.length <= maxValueBytes ? value : Arrays.copyOf(value, maxValueBytes)))
                .setTimestamp(Instant.ofEpochMilli(timestamp))
                .build();
    }
}
