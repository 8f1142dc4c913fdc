// Loads the earlier versions of a record's schema that the schemas module keeps as resources,
// io/neurostream/schemas/history/<Name>-v<N>.avsc numbered from 1 without gaps, and checks that the
// current schema can read data written with each of them.
package io.neurostream.app.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

final class SchemaHistory {
    private static final String HISTORY_FOLDER = "history";

    private SchemaHistory() {
    }

    /** Resource path of version N of a record's schema, e.g. io/neurostream/schemas/history/Sample-v1.avsc. */
    static String resourcePath(Schema current, int version) {
        return current.getNamespace().replace('.', '/') + "/" + HISTORY_FOLDER + "/"
            + current.getName() + "-v" + version + ".avsc";
    }

    /** The historical schemas of the current schema's record, oldest first; empty when it has none. */
    static List<Schema> load(Schema current, ClassLoader loader) {
        List<Schema> history = new ArrayList<>();
        for (int version = 1; ; version++) {
            String path = resourcePath(current, version);
            try (InputStream in = loader.getResourceAsStream(path)) {
                if (in == null) {
                    return history;
                }
                history.add(checked(current, new Schema.Parser().parse(in), path));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read historical schema " + path, e);
            }
        }
    }

    private static Schema checked(Schema current, Schema old, String path) {
        if (!old.getFullName().equals(current.getFullName())) {
            throw new IllegalStateException("historical schema " + path + " is for record " + old.getFullName()
                + ", expected " + current.getFullName());
        }
        SchemaCompatibility.SchemaPairCompatibility compatibility =
            SchemaCompatibility.checkReaderWriterCompatibility(current, old);
        if (compatibility.getType() != SchemaCompatibilityType.COMPATIBLE) {
            throw new IllegalStateException("the current schema of " + current.getFullName()
                + " cannot read data written with historical schema " + path + ": " + compatibility.getDescription());
        }
        return old;
    }
}
