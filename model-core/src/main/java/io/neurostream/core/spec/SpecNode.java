// Path-aware reading of one JSON object of a model spec, so every error names its field.
package io.neurostream.core.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Wraps a JSON object at a path such as {@code layers[2]}. Readers record which fields they
 * consumed, and {@link #rejectUnknownFields()} fails on any other (a typo like "unit" is an error,
 * not a silently ignored field).
 */
public final class SpecNode {
    private final JsonNode node;
    private final String path;
    private final Set<String> read = new LinkedHashSet<>();

    SpecNode(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new SpecException(path, "expected a JSON object, got " + describe(node));
        }
        this.node = node;
        this.path = path;
    }

    public String path() {
        return path;
    }

    /** The path of a field of this object, e.g. "layers[2].units". */
    public String pathOf(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    public boolean has(String field) {
        read.add(field);
        return node.hasNonNull(field);
    }

    public String requireString(String field) {
        JsonNode v = field(field);
        if (v == null) {
            throw missing(field);
        }
        if (!v.isTextual()) {
            throw new SpecException(pathOf(field), "expected a string, got " + describe(v));
        }
        return v.asText();
    }

    public String optString(String field, String fallback) {
        return has(field) ? requireString(field) : fallback;
    }

    public int requireInt(String field, int min) {
        JsonNode v = field(field);
        if (v == null) {
            throw missing(field);
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new SpecException(pathOf(field), "expected an integer, got " + describe(v));
        }
        int value = v.asInt();
        if (value < min) {
            throw new SpecException(pathOf(field), "must be >= " + min + ", got " + value);
        }
        return value;
    }

    public int optInt(String field, int fallback, int min) {
        return has(field) ? requireInt(field, min) : fallback;
    }

    public long optLong(String field, long fallback) {
        if (!has(field)) {
            return fallback;
        }
        JsonNode v = node.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new SpecException(pathOf(field), "expected an integer, got " + describe(v));
        }
        return v.asLong();
    }

    /** A number in [min, max]. */
    public double requireDouble(String field, double min, double max) {
        JsonNode v = field(field);
        if (v == null) {
            throw missing(field);
        }
        if (!v.isNumber()) {
            throw new SpecException(pathOf(field), "expected a number, got " + describe(v));
        }
        double value = v.asDouble();
        if (!(value >= min && value <= max)) {
            throw new SpecException(pathOf(field), "must be in [" + min + ", " + max + "], got " + v.asText());
        }
        return value;
    }

    public double optDouble(String field, double fallback, double min, double max) {
        return has(field) ? requireDouble(field, min, max) : fallback;
    }

    public boolean optBoolean(String field, boolean fallback) {
        if (!has(field)) {
            return fallback;
        }
        JsonNode v = node.get(field);
        if (!v.isBoolean()) {
            throw new SpecException(pathOf(field), "expected true or false, got " + describe(v));
        }
        return v.asBoolean();
    }

    /** A string that must be one of the allowed values. */
    public String requireChoice(String field, Collection<String> allowed) {
        String value = requireString(field);
        if (!allowed.contains(value)) {
            throw new SpecException(pathOf(field), "unknown value \"" + value + "\"; expected one of " + String.join(", ", allowed));
        }
        return value;
    }

    public String optChoice(String field, String fallback, Collection<String> allowed) {
        return has(field) ? requireChoice(field, allowed) : fallback;
    }

    /** An integer >= min or one of the allowed strings (e.g. a padding: 2 or "same"), returned as text. */
    public String optIntOrChoice(String field, String fallback, int min, Collection<String> allowed) {
        if (!has(field)) {
            return fallback;
        }
        JsonNode v = node.get(field);
        if (v.isTextual()) {
            return requireChoice(field, allowed);
        }
        if (!v.isIntegralNumber()) {
            throw new SpecException(pathOf(field), "expected an integer or one of " + String.join(", ", allowed) + ", got " + describe(v));
        }
        return Integer.toString(requireInt(field, min));
    }

    /** An array of positive integers, e.g. a shape. */
    public int[] requireIntArray(String field) {
        JsonNode v = field(field);
        if (v == null) {
            throw missing(field);
        }
        if (!v.isArray() || v.isEmpty()) {
            throw new SpecException(pathOf(field), "expected a non-empty array of integers, got " + describe(v));
        }
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode e = v.get(i);
            if (!e.isIntegralNumber() || !e.canConvertToInt() || e.asInt() < 1) {
                throw new SpecException(pathOf(field) + "[" + i + "]", "expected a positive integer, got " + describe(e));
            }
            out[i] = e.asInt();
        }
        return out;
    }

    /** A field's raw JSON (null when absent or null), for sections parsed elsewhere (e.g. "drift"). */
    public JsonNode optRaw(String field) {
        return field(field);
    }

    /** A nested object. */
    public SpecNode object(String field) {
        JsonNode v = field(field);
        if (v == null) {
            throw missing(field);
        }
        return new SpecNode(v, pathOf(field));
    }

    /** A non-empty array of objects. */
    public List<SpecNode> objects(String field) {
        JsonNode v = field(field);
        if (v == null) {
            throw missing(field);
        }
        if (!v.isArray() || v.isEmpty()) {
            throw new SpecException(pathOf(field), "expected a non-empty array, got " + describe(v));
        }
        List<SpecNode> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(new SpecNode(v.get(i), pathOf(field) + "[" + i + "]"));
        }
        return out;
    }

    /** Fails on the first field no reader asked for. */
    public void rejectUnknownFields() {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!read.contains(name)) {
                throw new SpecException(pathOf(name), "unknown field; known fields here: " + String.join(", ", read));
            }
        }
    }

    private JsonNode field(String field) {
        read.add(field);
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    private SpecException missing(String field) {
        return new SpecException(pathOf(field), "missing required field");
    }

    static String describe(JsonNode v) {
        if (v == null || v.isNull()) {
            return "nothing";
        }
        String text = v.toString();
        return text.length() > 40 ? text.substring(0, 37) + "..." : text;
    }
}
