// Walks an Avro binary body with its writer schema, building nothing, to prove that every length and count
// fits in the bytes present before the real decode allocates for them: Avro allocates a string, bytes or
// array of the size a length field claims, so 20 bytes of garbage could otherwise ask for gigabytes.
package io.neurostream.app.serde;

import java.io.IOException;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;

final class BoundsCheck {
    private static final int FLOAT_BYTES = 4;
    private static final int DOUBLE_BYTES = 8;

    private BoundsCheck() {
    }

    /**
     * Reads past one datum of {@code writer} and returns the bytes left over after it.
     *
     * @param in a decoder over a byte array, so that its input stream knows how many bytes remain
     * @throws IOException when the datum runs past the end (EOFException) or a number is malformed
     * @throws AvroRuntimeException when a union or enum index is out of range
     */
    static int leftover(BinaryDecoder in, Schema writer) throws IOException {
        skip(writer, in);
        return in.inputStream().available();
    }

    private static void skip(Schema schema, BinaryDecoder in) throws IOException {
        switch (schema.getType()) {
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    skip(field.schema(), in);
                }
            }
            case UNION -> skip(schema.getTypes().get(checkedIndex(in.readIndex(), schema.getTypes(), schema)), in);
            case ARRAY -> {
                for (long count = in.readArrayStart(); count > 0; count = in.arrayNext()) {
                    skipItems(schema.getElementType(), count, in);
                }
            }
            case MAP -> {
                for (long count = in.readMapStart(); count > 0; count = in.mapNext()) {
                    for (long i = 0; i < count; i++) {
                        in.skipString();
                        skip(schema.getValueType(), in);
                    }
                }
            }
            case ENUM -> checkedIndex(in.readEnum(), schema.getEnumSymbols(), schema);
            case FIXED -> in.skipFixed(schema.getFixedSize());
            case STRING -> in.skipString();
            case BYTES -> in.skipBytes();
            case INT -> in.readInt();
            case LONG -> in.readLong();
            case FLOAT -> in.skipFixed(FLOAT_BYTES);
            case DOUBLE -> in.skipFixed(DOUBLE_BYTES);
            case BOOLEAN -> in.readBoolean();
            case NULL -> in.readNull();
        }
    }

    /** A block of array items; fixed-size floats and doubles are skipped in one jump. */
    private static void skipItems(Schema item, long count, BinaryDecoder in) throws IOException {
        int size = switch (item.getType()) {
            case FLOAT -> FLOAT_BYTES;
            case DOUBLE -> DOUBLE_BYTES;
            default -> 0;
        };
        if (size == 0) {
            for (long i = 0; i < count; i++) {
                skip(item, in);
            }
        } else if (count > Integer.MAX_VALUE / size) {
            throw new AvroRuntimeException("array of " + count + " " + item.getType() + " items is larger than any record");
        } else {
            in.skipFixed((int) count * size);
        }
    }

    private static int checkedIndex(int index, List<?> choices, Schema schema) {
        if (index < 0 || index >= choices.size()) {
            throw new AvroRuntimeException("index " + index + " out of range for " + schema.getType() + " "
                + schema.getFullName() + " of " + choices.size());
        }
        return index;
    }
}
