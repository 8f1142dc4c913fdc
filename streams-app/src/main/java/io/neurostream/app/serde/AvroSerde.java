// Kafka Serde for neurostream's generated Avro records, in Avro single-object encoding (marker C3 01 +
// 8-byte schema fingerprint + body), with no schema registry. One class serves every record type.
package io.neurostream.app.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Thread-safe. Null values pass through as null (tombstones). Deserializing bad bytes throws a
 * {@link SerializationException} whose message starts with the {@code DeadLetterReason}; to classify bad
 * input without exceptions use {@link #decoder()}.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
    private final Class<T> recordClass;
    private final BinaryMessageEncoder<T> encoder;
    private final RecordDecoder<T> decoder;
    private final Serializer<T> serializer = (topic, record) -> record == null ? null : encode(record);
    private final Deserializer<T> deserializer = (topic, bytes) -> bytes == null ? null : decode(topic, bytes);

    private AvroSerde(Class<T> recordClass, BinaryMessageEncoder<T> encoder, RecordDecoder<T> decoder) {
        this.recordClass = recordClass;
        this.encoder = encoder;
        this.decoder = decoder;
    }

    /** A serde for a generated record class, e.g. {@code AvroSerde.of(Sample.class)}. */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> recordClass) {
        RecordDecoder<T> decoder = RecordDecoder.of(recordClass);
        SpecificData model = SpecificData.getForClass(recordClass);
        boolean copyEncoded = false; // encode() copies the thread-local buffer into the returned array itself
        return new AvroSerde<>(recordClass, new BinaryMessageEncoder<>(model, decoder.schema(), copyEncoded), decoder);
    }

    /** The current schema, the one records are written with. */
    public Schema schema() {
        return decoder.schema();
    }

    /** The classifying decoder that this serde's deserializer uses. */
    public RecordDecoder<T> decoder() {
        return decoder;
    }

    /** The record in single-object encoding. */
    public byte[] encode(T record) {
        try {
            ByteBuffer encoded = encoder.encode(record);
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + recordClass.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    private T decode(String topic, byte[] bytes) {
        DecodeResult<T> result = decoder.decode(bytes);
        if (result instanceof DecodeResult.Decoded<T> decoded) {
            return decoded.record();
        }
        DecodeResult.Rejected<T> rejected = (DecodeResult.Rejected<T>) result;
        throw new SerializationException(rejected.reason() + ": topic " + topic + ": " + rejected.message());
    }
}
