// Rows "label,f1,f2,..." of a CSV file as samples with float values of shape [F].
package io.neurostream.app.produce;

import io.neurostream.schemas.Sample;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The format: one sample per line, comma-separated, no quoting; the first field is the class label
 * (an integer >= 0, or empty for a sample to be predicted only), the others are the F features
 * (finite numbers), the same F on every row. Blank lines are skipped. A first line none of whose
 * fields is a number is a header and is skipped. Ids are {@code <file name>-<row>}, row counting
 * data rows from 0. A bad row is a {@link SourceException} naming {@code file:line}.
 */
public final class CsvSource implements SampleSource {
    private final String name;
    private final int features;
    private final List<float[]> values; // [rows][F]
    private final List<Integer> labels; // [rows], null for a row without label
    private final boolean labelled;

    private CsvSource(String name, int features, List<float[]> values, List<Integer> labels, boolean labelled) {
        this.name = name;
        this.features = features;
        this.values = values;
        this.labels = labels;
        this.labelled = labelled;
    }

    /** Reads {@code file} (UTF-8); with {@code labelled} false every label is dropped. */
    public static CsvSource load(Path file, boolean labelled) {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(file.getFileName().toString(), file.toString(), in, labelled);
        } catch (IOException e) {
            throw new SourceException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses CSV text; {@code name} starts the ids, {@code location} starts the error messages. */
    public static CsvSource parse(String name, String location, String text, boolean labelled) {
        try {
            return parse(name, location, new StringReader(text), labelled);
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
    }

    private static CsvSource parse(String name, String location, Reader reader, boolean labelled) throws IOException {
        BufferedReader in = new BufferedReader(reader);
        List<float[]> values = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        int features = -1;
        int featuresLine = 0;
        boolean first = true;
        String line;
        for (int lineNumber = 1; (line = in.readLine()) != null; lineNumber++) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split(",", -1);
            if (first) {
                first = false;
                if (isHeader(fields)) {
                    continue;
                }
            }
            String where = location + ":" + lineNumber;
            if (fields.length < 2) {
                throw new SourceException(where + ": expected label,f1,f2,... but found " + fields.length + " field: \"" + line.strip() + "\"");
            }
            if (features == -1) {
                features = fields.length - 1;
                featuresLine = lineNumber;
            } else if (fields.length - 1 != features) {
                throw new SourceException(where + ": expected " + features + " features (as on line " + featuresLine + "), got "
                        + (fields.length - 1));
            }
            labels.add(label(where, fields[0].strip()));
            float[] row = new float[features]; // [F]
            for (int i = 0; i < features; i++) {
                row[i] = feature(where, i + 2, fields[i + 1].strip());
            }
            values.add(row);
        }
        if (values.isEmpty()) {
            throw new SourceException(location + ": no data rows (expected lines of label,f1,f2,...)");
        }
        return new CsvSource(name, features, values, labels, labelled);
    }

    private static boolean isHeader(String[] fields) {
        for (String field : fields) {
            if (isNumber(field.strip())) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNumber(String field) {
        try {
            Float.parseFloat(field);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Integer label(String where, String field) {
        if (field.isEmpty()) {
            return null;
        }
        try {
            int label = Integer.parseInt(field);
            if (label >= 0) {
                return label;
            }
        } catch (NumberFormatException e) {
            // reported below with the value seen
        }
        throw new SourceException(where + ": label \"" + field + "\" is not an integer >= 0 (or empty for no label)");
    }

    private static float feature(String where, int column, String field) {
        float value;
        try {
            value = Float.parseFloat(field);
        } catch (NumberFormatException e) {
            throw new SourceException(where + ": column " + column + " \"" + field + "\" is not a number");
        }
        if (!Float.isFinite(value)) {
            throw new SourceException(where + ": column " + column + " \"" + field + "\" is not finite");
        }
        return value;
    }

    /** The number of features F of every row. */
    public int features() {
        return features;
    }

    @Override
    public String description() {
        return String.format("%s (%,d rows of %d features, %s)", name, values.size(), features, labelled ? "labelled" : "without labels");
    }

    @Override
    public int size() {
        return values.size();
    }

    @Override
    public Sample sample(int index, long eventTimeMillis) {
        float[] row = values.get(index);
        List<Float> floats = new ArrayList<>(row.length);
        for (float v : row) {
            floats.add(v);
        }
        return Sample.newBuilder()
                .setId(name + "-" + index)
                .setEventTime(Instant.ofEpochMilli(eventTimeMillis))
                .setValues(floats)
                .setShape(List.of(row.length))
                .setLabel(labelled ? labels.get(index) : null)
                .build();
    }
}
