// Finds an executable on the PATH (promtool, prometheus, chromium), for tests that use them when installed.
package io.neurostream.app.ops;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

public final class Tools {
    private Tools() {}

    /** The first executable with that name on the PATH, or null. */
    public static Path find(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
