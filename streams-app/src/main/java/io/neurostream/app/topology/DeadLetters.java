// Builds the dead-letter record of an input record: where it came from, why, and its original bytes.
package io.neurostream.app.topology;

import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.RecordMetadata;

final class DeadLetters {
    private DeadLetters() {}

    static byte[] encode(RecordMetadata source, DeadLetterReason reason, String message, String model, byte[] key, byte[] value, long timestamp) {
        return NeurostreamSerdes.deadLetter().encode(of(source, reason, message, model, key, value, timestamp));
    }

    static DeadLetter of(RecordMetadata source, DeadLetterReason reason, String message, String model, byte[] key, byte[] value, long timestamp) {
        return DeadLetter.newBuilder()
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setReason(reason.name())
                .setMessage(message)
                .setModel(model)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setTimestamp(Instant.ofEpochMilli(timestamp))
                .build();
    }
}
