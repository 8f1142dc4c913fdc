// Finds the bundled data folder (ops/data): explicit path, then $NEUROSTREAM_DATA, then upwards from the working directory.
package io.neurostream.core.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the folder of bundled data ({@code ops/data} in the repository), in this order:
 * <ol>
 *   <li>an explicit path, if the caller gives one;</li>
 *   <li>the environment variable {@value #ENV_VARIABLE};</li>
 *   <li>{@value #RELATIVE_PATH} under the working directory or any of its parents, so it works from
 *       the repository root and from a module directory (where Maven runs the tests).</li>
 * </ol>
 * An explicit path or a set variable that is not a directory is an error, not a reason to look further.
 */
public final class DataLocator {
    /** Environment variable naming the data folder. */
    public static final String ENV_VARIABLE = "NEUROSTREAM_DATA";
    /** The data folder's path relative to the repository root. */
    public static final String RELATIVE_PATH = "ops/data";

    private DataLocator() {
    }

    /** The data folder from {@value #ENV_VARIABLE} or the working directory and its parents. */
    public static Path locate() {
        return locate(null);
    }

    /** The data folder: {@code explicit} if not null, else as {@link #locate()}. */
    public static Path locate(Path explicit) {
        return locate(explicit, System.getenv(ENV_VARIABLE), Path.of(""));
    }

    /** The search itself, with the environment value and the working directory given (for tests). */
    static Path locate(Path explicit, String envValue, Path workingDir) {
        if (explicit != null) {
            return requireDirectory(explicit, "explicit data path");
        }
        if (envValue != null && !envValue.isBlank()) {
            return requireDirectory(Path.of(envValue), "$" + ENV_VARIABLE);
        }
        List<String> looked = new ArrayList<>();
        for (Path dir = workingDir.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(RELATIVE_PATH);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            looked.add(candidate.toString());
        }
        throw new DatasetException("data folder not found: no explicit path, $" + ENV_VARIABLE
                + " unset, and no directory at " + String.join(", ", looked)
                + "; pass the path or set $" + ENV_VARIABLE);
    }

    private static Path requireDirectory(Path dir, String source) {
        if (!Files.isDirectory(dir)) {
            throw new DatasetException(source + " " + dir + ": not a directory");
        }
        return dir;
    }
}
