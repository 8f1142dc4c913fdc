// Decodes single-object-encoded values into one generated record class, classifying bad input
// instead of throwing: the validation step turns a rejection into a dead letter. Knows the current
// schema and every historical one (SchemaHistory), so older writers' records decode into the current class.
// Reads what BinaryMessageDecoder reads, but through a buffered decoder over the byte array rather than
// Avro's unbuffered stream decoder, which decodes the same bytes more slowly.
package io.neurostream.app.serde;

import io.neurostream.app.records.DeadLetterReason;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/** Thread-safe: the binary decoder is per thread, and Avro's datum readers are safe to share. */
public final class RecordDecoder<T extends SpecificRecord> {
    private static final String CURRENT = "current";
    private static final ThreadLocal<BinaryDecoder> DECODER = new ThreadLocal<>();

    private final Schema schema;
    /** Every writer schema this decoder reads, by fingerprint, in order current, v1, v2, ... */
    private final Map<Long, Version<T>> versions;

    /** A writer schema, its name in messages ("current", "v1", ...) and the reader from it to the current class. */
    private record Version<T>(String name, Schema writer, DatumReader<T> reader) {
    }

    private RecordDecoder(Schema schema, Map<Long, Version<T>> versions) {
        this.schema = schema;
        this.versions = versions;
    }

    /** A decoder for a generated record class, reading its current schema and its historical ones. */
    public static <T extends SpecificRecord> RecordDecoder<T> of(Class<T> recordClass) {
        TrustedPackages.register();
        SpecificData model = SpecificData.getForClass(recordClass);
        Schema schema = model.getSchema(recordClass);
        Map<Long, Version<T>> versions = new LinkedHashMap<>();
        versions.put(SingleObjectHeader.fingerprint(schema), version(CURRENT, schema, schema, model));
        int number = 1;
        for (Schema old : SchemaHistory.load(schema, recordClass.getClassLoader())) {
            versions.putIfAbsent(SingleObjectHeader.fingerprint(old), version("v" + number++, old, schema, model));
        }
        return new RecordDecoder<>(schema, Collections.unmodifiableMap(versions));
    }

    @SuppressWarnings("unchecked") // the model creates readers of the record class whose schema is the reader schema
    private static <T> Version<T> version(String name, Schema writer, Schema reader, SpecificData model) {
        return new Version<>(name, writer, (DatumReader<T>) model.createDatumReader(writer, reader));
    }

    /** The current (reader) schema. */
    public Schema schema() {
        return schema;
    }

    /** Fingerprints of all schema versions this decoder reads, current and historical. */
    public Set<Long> knownFingerprints() {
        return versions.keySet();
    }

    /** Decodes into a new record. */
    public DecodeResult<T> decode(byte[] value) {
        return decode(value, null);
    }

    /**
     * Decodes into {@code reuse} where Avro can (its fields, arrays and byte buffers are overwritten), or into a
     * new record when {@code reuse} is null. Only for callers that are done with the previous record.
     */
    public DecodeResult<T> decode(byte[] value, T reuse) {
        if (value == null || value.length == 0) {
            return rejected(DeadLetterReason.EMPTY_VALUE, "value is empty; expected an Avro " + schema.getName());
        }
        if (value.length < SingleObjectHeader.LENGTH) {
            return rejected(DeadLetterReason.NOT_AVRO, "value has " + value.length
                + " bytes, too short for Avro single-object encoding (at least " + SingleObjectHeader.LENGTH + ")");
        }
        if (!SingleObjectHeader.isPresent(value)) {
            return rejected(DeadLetterReason.NOT_AVRO, "value starts with " + SingleObjectHeader.leadingBytes(value)
                + ", not the Avro single-object marker C3 01");
        }
        long fingerprint = SingleObjectHeader.fingerprint(value);
        Version<T> version = versions.get(fingerprint);
        if (version == null) {
            return rejected(DeadLetterReason.UNKNOWN_SCHEMA, "schema fingerprint " + SingleObjectHeader.hex(fingerprint)
                + " is not a known version of " + schema.getFullName() + " (known: " + knownVersions() + ")");
        }
        try {
            int leftover = BoundsCheck.leftover(bodyDecoder(value), version.writer());
            if (leftover > 0) {
                return rejected(DeadLetterReason.CORRUPT_RECORD, leftover + " of " + value.length
                    + " bytes left over after " + describe(version, fingerprint));
            }
            return new DecodeResult.Decoded<>(version.reader().read(reuse, bodyDecoder(value)));
        } catch (IOException | RuntimeException e) {
            return rejected(DeadLetterReason.CORRUPT_RECORD, "value of " + value.length + " bytes is not a valid "
                + describe(version, fingerprint) + ": " + oneLine(e));
        }
    }

    /** This thread's binary decoder, set to read the body after the header. */
    private static BinaryDecoder bodyDecoder(byte[] value) {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, SingleObjectHeader.LENGTH,
            value.length - SingleObjectHeader.LENGTH, DECODER.get());
        DECODER.set(decoder);
        return decoder;
    }

    private String describe(Version<T> version, long fingerprint) {
        return schema.getName() + " " + version.name() + " (" + SingleObjectHeader.hex(fingerprint) + ")";
    }

    private String knownVersions() {
        return versions.entrySet().stream()
            .map(entry -> entry.getValue().name() + " " + SingleObjectHeader.hex(entry.getKey()))
            .collect(Collectors.joining(", "));
    }

    private static <T> DecodeResult<T> rejected(DeadLetterReason reason, String message) {
        return new DecodeResult.Rejected<>(reason, message);
    }

    /** The innermost cause's class and message on one line: Avro wraps the informative exception. */
    private static String oneLine(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + root.getMessage().replaceAll("\\s+", " ");
        return root.getClass().getSimpleName() + message;
    }
}
