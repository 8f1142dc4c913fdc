// Model specs shipped with neurostream, by name: the course's networks as JSON resources.
package io.neurostream.core.spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Presets live in {@code io/neurostream/core/presets/NAME.json}; {@link #names()} lists them. */
public final class Presets {
    private static final String FOLDER = "/io/neurostream/core/presets/";
    private static final List<String> NAMES = List.of("perceptron", "logic-and", "logic-or", "xor", "xor-online", "circle", "mnist-mlp", "lenet5",
            "mnist-cnn", "char-lstm");

    private Presets() {}

    public static List<String> names() {
        return NAMES;
    }

    public static boolean exists(String name) {
        return NAMES.contains(name);
    }

    /** The preset's spec; an unknown name is an error that lists the known ones. */
    public static ModelSpec load(String name) {
        return ModelSpec.parse(json(name));
    }

    /** The preset's JSON text as shipped. */
    public static String json(String name) {
        if (!exists(name)) {
            throw new SpecException("", "unknown preset \"" + name + "\"; presets: " + String.join(", ", NAMES));
        }
        try (InputStream in = Presets.class.getResourceAsStream(FOLDER + name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("preset resource missing: " + FOLDER + name + ".json");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
