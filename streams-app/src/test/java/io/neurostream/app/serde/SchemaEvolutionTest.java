// Records written with a historical schema decode into the current generated class.
package io.neurostream.app.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.schemas.DeadLetter;
import io.neurostream.schemas.ModelSpecRecord;
import io.neurostream.schemas.ModelVersionRecord;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.Sample;
import io.neurostream.schemas.TrainingMetrics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

class SchemaEvolutionTest {

    @Test
    void shouldDecodeASampleWrittenWithSchemaV1IntoTheCurrentSample() throws IOException {
        Schema v1 = sampleV1();
        GenericRecord old = new GenericData.Record(v1);
        old.put("id", "old-1");
        old.put("eventTime", RecordFixtures.EVENT_TIME.toEpochMilli());
        old.put("pixels", null);
        old.put("values", List.of(0.25f, 0.75f));
        old.put("tokens", null);
        old.put("shape", List.of(2));
        old.put("label", 1);
        ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);

        Sample sample = NeurostreamSerdes.sample().deserializer().deserialize("samples", bytes);

        assertEquals("old-1", sample.getId());
        assertEquals(RecordFixtures.EVENT_TIME, sample.getEventTime());
        assertEquals(List.of(0.25f, 0.75f), sample.getValues());
        assertEquals(List.of(2), sample.getShape());
        assertEquals(1, sample.getLabel());
        assertNull(sample.getTarget());
    }

    @Test
    void shouldKnowTheCurrentAndTheV1FingerprintOfSample() {
        RecordDecoder<Sample> decoder = NeurostreamSerdes.sample().decoder();
        long v1 = SingleObjectHeader.fingerprint(sampleV1());
        long current = SingleObjectHeader.fingerprint(decoder.schema());

        assertNotEquals(v1, current);
        assertEquals(Set.of(v1, current), decoder.knownFingerprints());
    }

    @Test
    void shouldLoadOnlyCompatibleHistoryForEveryRecordType() {
        for (Class<?> type : List.of(Sample.class, Prediction.class, TrainingMetrics.class, DeadLetter.class,
                ModelSpecRecord.class, ModelVersionRecord.class)) {
            Schema current = SpecificData.get().getSchema(type);

            List<Schema> history = SchemaHistory.load(current, type.getClassLoader());

            assertEquals(type == Sample.class || type == TrainingMetrics.class ? 1 : 0, history.size(), type.getSimpleName());
        }
    }

    @Test
    void shouldNameHistoryResourcesAfterTheRecord() {
        Schema current = NeurostreamSerdes.sample().schema();

        assertEquals("io/neurostream/schemas/history/Sample-v1.avsc", SchemaHistory.resourcePath(current, 1));
    }

    @Test
    void shouldRejectAHistoricalSchemaTheCurrentOneCannotRead() {
        Schema current = NeurostreamSerdes.sample().schema();
        ClassLoader withBadHistory = new ClassLoader(null) {
            @Override
            public InputStream getResourceAsStream(String name) {
                String incompatible = "{\"type\":\"record\",\"name\":\"Sample\",\"namespace\":\"io.neurostream.schemas\","
                    + "\"fields\":[{\"name\":\"id\",\"type\":\"int\"}]}";
                return name.equals(SchemaHistory.resourcePath(current, 1))
                    ? new ByteArrayInputStream(incompatible.getBytes(StandardCharsets.UTF_8))
                    : null;
            }
        };

        IllegalStateException error = assertThrows(IllegalStateException.class,
            () -> SchemaHistory.load(current, withBadHistory));

        assertTrue(error.getMessage().contains("Sample-v1.avsc"), error.getMessage());
    }

    private static Schema sampleV1() {
        try (var in = Sample.class.getClassLoader().getResourceAsStream("io/neurostream/schemas/history/Sample-v1.avsc")) {
            return new Schema.Parser().parse(assertInstanceOf(InputStream.class, in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
