// The sha256 table: it matches ops/data/SHA256SUMS, tells MNIST from Fashion-MNIST, and catches a flipped byte.
package io.neurostream.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownFilesTest {
    @TempDir
    Path tmp;

    @Test
    void shouldAgreeWithTheBundledSha256Sums() throws IOException {
        List<String> lines = Files.readAllLines(TestData.bundled().resolve("SHA256SUMS"));
        assertEquals(5, lines.size());
        for (String line : lines) {
            String[] digestAndPath = line.split("  ", 2);
            assertEquals(Optional.of(digestAndPath[0]), KnownFiles.expectedSha256(Path.of(digestAndPath[1])), line);
        }
        assertEquals(9, KnownFiles.all().size());
    }

    @Test
    void shouldKeyByFolderSoMnistAndFashionMnistDiffer() {
        Path mnist = Path.of("any", "mnist", "train-images-idx3-ubyte.gz");
        Path fashion = Path.of("any", "fashion-mnist", "train-images-idx3-ubyte.gz");

        assertEquals("mnist/train-images-idx3-ubyte.gz", KnownFiles.key(mnist));
        assertEquals("fashion-mnist/train-images-idx3-ubyte.gz", KnownFiles.key(fashion));
        assertNotEquals(KnownFiles.expectedSha256(mnist), KnownFiles.expectedSha256(fashion));
        assertEquals(Optional.empty(), KnownFiles.expectedSha256(Path.of("my-digits", "train-images-idx3-ubyte.gz")));
    }

    @Test
    void shouldFailOnAFlippedByteNamingFileAndBothDigests() throws IOException {
        Path mnist = Files.createDirectory(tmp.resolve("mnist"));
        Path bundled = TestData.bundled().resolve("mnist");
        Files.copy(bundled.resolve("t10k-images-idx3-ubyte.gz"), mnist.resolve("t10k-images-idx3-ubyte.gz"));
        Path labels = mnist.resolve("t10k-labels-idx1-ubyte.gz");
        byte[] bytes = Files.readAllBytes(bundled.resolve("t10k-labels-idx1-ubyte.gz"));
        bytes[1000] ^= 0x01;
        Files.write(labels, bytes);

        DatasetException e = TestData.assertOneLineError(labels + ": sha256 mismatch for known file "
                + "mnist/t10k-labels-idx1-ubyte.gz: expected f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"
                + ", got " + Sha256.hex(bytes), () -> Mnist.test(mnist));
        assertTrue(e.getMessage().startsWith(labels.toString()), e.getMessage());
    }

    @Test
    void shouldReadUnknownFilesWithoutACheck() throws IOException {
        Path file = Files.createDirectory(tmp.resolve("my-data")).resolve("train-labels-idx1-ubyte.gz");
        byte[] anything = {1, 2, 3};
        Files.write(file, anything);

        assertArrayEquals(anything, KnownFiles.read(file));
    }

    @Test
    void shouldNameAMissingFile() {
        Path missing = tmp.resolve("mnist").resolve("nothing.gz");

        TestData.assertOneLineError(missing + ": cannot read: ", () -> KnownFiles.read(missing));
    }
}
