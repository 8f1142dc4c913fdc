// Resolves --model: a preset name or the path of a JSON model spec.
package io.neurostream.app.cli;

import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import io.neurostream.core.spec.SpecException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

final class ModelArgument {
    private ModelArgument() {}

    /** The spec of a preset, or of a file; errors name the argument and what was tried. */
    static ModelSpec resolve(String nameOrPath) {
        if (Presets.exists(nameOrPath)) {
            return Presets.load(nameOrPath);
        }
        Path file = Path.of(nameOrPath);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--model " + nameOrPath + ": neither a preset (" + String.join(", ", Presets.names())
                    + ") nor a spec file");
        }
        try {
            return ModelSpec.parse(Files.readString(file));
        } catch (SpecException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
