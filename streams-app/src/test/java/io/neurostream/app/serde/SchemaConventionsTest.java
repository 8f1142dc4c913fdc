// The conventions every topic schema keeps: a doc on each record and field, camelCase field names, one
// namespace, and every optional field defaulting to null so that clients can leave it out.
package io.neurostream.app.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.schemas.DeadLetter;
import io.neurostream.schemas.DriftEvent;
import io.neurostream.schemas.Label;
import io.neurostream.schemas.ModelSpecRecord;
import io.neurostream.schemas.ModelVersionRecord;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.Sample;
import io.neurostream.schemas.TrainingMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaConventionsTest {
    private static final String NAMESPACE = "io.neurostream.schemas";

    static Stream<Schema> everyRecordSchema() {
        List<Schema> records = new ArrayList<>();
        for (Schema top : List.of(Sample.getClassSchema(), Prediction.getClassSchema(),
                TrainingMetrics.getClassSchema(), DeadLetter.getClassSchema(), ModelSpecRecord.getClassSchema(),
                ModelVersionRecord.getClassSchema(), DriftEvent.getClassSchema(), Label.getClassSchema())) {
            collectRecords(top, records);
        }
        return records.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordSchema")
    void shouldDocumentTheRecordAndEveryField(Schema record) {
        assertEquals(NAMESPACE, record.getNamespace());
        assertFalse(record.getDoc() == null || record.getDoc().isBlank(), record.getName());
        for (Schema.Field field : record.getFields()) {
            assertFalse(field.doc() == null || field.doc().isBlank(), record.getName() + "." + field.name());
            assertTrue(field.name().matches("[a-z][a-zA-Z0-9]*"), record.getName() + "." + field.name());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordSchema")
    void shouldDefaultEveryOptionalFieldToNull(Schema record) {
        for (Schema.Field field : record.getFields()) {
            if (field.schema().isNullable()) {
                assertEquals(Schema.Type.NULL, field.schema().getTypes().get(0).getType(), field.name());
                assertEquals(JsonProperties.NULL_VALUE, field.defaultVal(), record.getName() + "." + field.name());
            }
        }
    }

    private static void collectRecords(Schema schema, List<Schema> records) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!records.contains(schema)) {
                    records.add(schema);
                    schema.getFields().forEach(field -> collectRecords(field.schema(), records));
                }
            }
            case ARRAY -> collectRecords(schema.getElementType(), records);
            case MAP -> collectRecords(schema.getValueType(), records);
            case UNION -> schema.getTypes().forEach(branch -> collectRecords(branch, records));
            default -> {
            }
        }
    }
}
