// Where the data folder is looked for: explicit path, $NEUROSTREAM_DATA, then ops/data upwards from the working directory.
package io.neurostream.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLocatorTest {
    @TempDir
    Path tmp;

    @Test
    void shouldFindTheBundledDataFromTheModuleDirectory() {
        Path data = DataLocator.locate();

        assertTrue(Files.isRegularFile(data.resolve("mnist/t10k-labels-idx1-ubyte.gz")), data.toString());
    }

    @Test
    void shouldPreferTheExplicitPathOverTheEnvironment() throws IOException {
        Path explicit = Files.createDirectory(tmp.resolve("explicit"));

        assertEquals(explicit, DataLocator.locate(explicit, tmp.toString(), tmp));
    }

    @Test
    void shouldUseTheEnvironmentVariableBeforeSearching() throws IOException {
        Path fromEnv = Files.createDirectory(tmp.resolve("env"));
        Files.createDirectories(tmp.resolve("ops/data"));

        assertEquals(fromEnv, DataLocator.locate(null, fromEnv.toString(), tmp));
    }

    @Test
    void shouldFindOpsDataInAParentOfTheWorkingDirectory() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("repo/ops/data"));
        Path module = Files.createDirectories(tmp.resolve("repo/model-core/src"));

        assertEquals(data, DataLocator.locate(null, null, module));
    }

    @Test
    void shouldRefuseAnExplicitPathThatIsNotADirectory() {
        Path missing = tmp.resolve("missing");

        TestData.assertOneLineError("explicit data path " + missing + ": not a directory",
                () -> DataLocator.locate(missing, null, tmp));
    }

    @Test
    void shouldRefuseAnEnvironmentPathThatIsNotADirectory() {
        Path missing = tmp.resolve("missing");

        TestData.assertOneLineError("$NEUROSTREAM_DATA " + missing + ": not a directory",
                () -> DataLocator.locate(null, missing.toString(), tmp));
    }

    @Test
    void shouldListEveryPlaceItLookedWhenNothingIsFound() throws IOException {
        Path deep = Files.createDirectories(tmp.resolve("a/b"));

        DatasetException e = TestData.assertOneLineError("data folder not found: no explicit path, $NEUROSTREAM_DATA unset",
                () -> DataLocator.locate(null, null, deep));
        assertTrue(e.getMessage().contains(deep.resolve("ops/data") + ", " + tmp.resolve("a/ops/data") + ", "), e.getMessage());
    }
}
