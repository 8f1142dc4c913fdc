// AvroSerde through Kafka's Serializer/Deserializer interfaces: round trips of every record type,
// the single-object header, null handling and errors on bad bytes.
package io.neurostream.app.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.schemas.Sample;
import io.neurostream.schemas.TrainingMetrics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeTest {
    private static final String TOPIC = "test-topic";

    static Stream<Arguments> everyRecordType() {
        return Stream.of(
            Arguments.of(NeurostreamSerdes.sample(), RecordFixtures.pixelSample()),
            Arguments.of(NeurostreamSerdes.sample(), RecordFixtures.valueSample()),
            Arguments.of(NeurostreamSerdes.sample(), RecordFixtures.tokenSample()),
            Arguments.of(NeurostreamSerdes.prediction(), RecordFixtures.prediction()),
            Arguments.of(NeurostreamSerdes.trainingMetrics(), RecordFixtures.trainingMetrics()),
            Arguments.of(NeurostreamSerdes.deadLetter(), RecordFixtures.deadLetter()),
            Arguments.of(NeurostreamSerdes.modelSpec(), RecordFixtures.modelSpec()));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("everyRecordType")
    <T extends SpecificRecord> void shouldRoundTripEveryRecordType(Serde<T> serde, T record) {
        byte[] bytes = serde.serializer().serialize(TOPIC, record);

        T decoded = serde.deserializer().deserialize(TOPIC, bytes);

        // Avro's generated equals() says two records holding NaN differ, so compare every field's text and the bytes.
        assertEquals(record.toString(), decoded.toString());
        assertArrayEquals(bytes, serde.serializer().serialize(TOPIC, decoded));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("everyRecordType")
    <T extends SpecificRecord> void shouldWriteTheSingleObjectHeaderOfTheCurrentSchema(AvroSerde<T> serde, T record)
            throws NoSuchAlgorithmException {
        byte[] bytes = serde.encode(record);

        assertArrayEquals(new byte[] {(byte) 0xC3, 0x01}, Arrays.copyOf(bytes, 2));
        byte[] fingerprint = SchemaNormalization.parsingFingerprint("CRC-64-AVRO", serde.schema());
        assertArrayEquals(fingerprint, Arrays.copyOfRange(bytes, 2, 10));
    }

    @Test
    void shouldKeepNaNMetricsAndNullOptionalFields() {
        AvroSerde<TrainingMetrics> serde = NeurostreamSerdes.trainingMetrics();

        TrainingMetrics decoded = serde.deserializer().deserialize(TOPIC, serde.encode(RecordFixtures.trainingMetrics()));

        assertTrue(Double.isNaN(decoded.getPrequentialLossFading()));
        assertNull(decoded.getBatchLoss());
    }

    @Test
    void shouldPassNullThroughBothWays() {
        Serde<Sample> serde = NeurostreamSerdes.sample();

        assertNull(serde.serializer().serialize(TOPIC, null));
        assertNull(serde.deserializer().deserialize(TOPIC, null));
    }

    @Test
    void shouldThrowSerializationExceptionNamingReasonAndTopicForBadBytes() {
        Serde<Sample> serde = NeurostreamSerdes.sample();
        byte[] json = "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8);

        SerializationException error = assertThrows(SerializationException.class,
            () -> serde.deserializer().deserialize(TOPIC, json));

        assertTrue(error.getMessage().startsWith("NOT_AVRO: topic " + TOPIC + ": "), error.getMessage());
    }

    @Test
    void shouldReturnIndependentArraysFromEveryEncode() {
        AvroSerde<Sample> serde = NeurostreamSerdes.sample();

        byte[] first = serde.encode(RecordFixtures.pixelSample());
        byte[] firstCopy = first.clone();
        serde.encode(RecordFixtures.valueSample());

        assertArrayEquals(firstCopy, first);
    }

    @Test
    void shouldBeReadableByAvrosOwnSingleObjectDecoder() throws IOException {
        byte[] bytes = NeurostreamSerdes.sample().encode(RecordFixtures.valueSample());

        assertEquals(RecordFixtures.valueSample(), Sample.getDecoder().decode(bytes));
    }

    @Test
    void shouldReadWhatAvrosOwnSingleObjectEncoderWrote() throws IOException {
        ByteBuffer written = Sample.getEncoder().encode(RecordFixtures.tokenSample());
        byte[] bytes = new byte[written.remaining()];
        written.get(bytes);

        assertEquals(RecordFixtures.tokenSample(), NeurostreamSerdes.sample().deserializer().deserialize(TOPIC, bytes));
    }

    @Test
    void shouldBuildOneSerdeForAnyGeneratedRecordClass() {
        AvroSerde<Sample> serde = AvroSerde.of(Sample.class);

        assertEquals(RecordFixtures.tokenSample(), serde.deserializer().deserialize(TOPIC,
            NeurostreamSerdes.sample().encode(RecordFixtures.tokenSample())));
    }
}
