// The sha256 of every data file neurostream knows (values from shared/data/README.md), checked on load.
package io.neurostream.core.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The sha256 sums of the known data files, keyed by {@code "<parent folder>/<file name>"}: MNIST
 * and Fashion-MNIST use the same file names, so the folder ({@code mnist} or {@code fashion-mnist})
 * is part of the key. A file whose folder and name match a key is verified when read; any other
 * file (user data, a renamed folder) is read without a check.
 */
public final class KnownFiles {
    private static final Map<String, String> SHA256 = Map.of(
            "mnist/train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
            "mnist/train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
            "mnist/t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
            "mnist/t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
            "fashion-mnist/train-images-idx3-ubyte.gz", "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
            "fashion-mnist/train-labels-idx1-ubyte.gz", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
            "fashion-mnist/t10k-images-idx3-ubyte.gz", "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
            "fashion-mnist/t10k-labels-idx1-ubyte.gz", "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
            "text/tinyshakespeare.txt", "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed");

    private KnownFiles() {
    }

    /** Every key ({@code "<folder>/<name>"}) and its sha256 as 64 lowercase hex digits. */
    public static Map<String, String> all() {
        return SHA256;
    }

    /** The key of {@code file}: its parent folder's name, a slash, its own name. */
    public static String key(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        String folder = parent == null || parent.getFileName() == null ? "" : parent.getFileName().toString();
        return folder + "/" + absolute.getFileName();
    }

    /** The expected sha256 of {@code file} if it is a known file, else empty. */
    public static Optional<String> expectedSha256(Path file) {
        return Optional.ofNullable(SHA256.get(key(file)));
    }

    /**
     * Reads all bytes of {@code file} and, for a known file, checks their sha256.
     *
     * @throws DatasetException if the file cannot be read, or is known and its digest differs:
     *     {@code <file>: sha256 mismatch for known file mnist/...: expected <hex>, got <hex>}
     */
    public static byte[] read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read: " + e, e);
        }
        Optional<String> expected = expectedSha256(file);
        if (expected.isPresent()) {
            String actual = Sha256.hex(bytes);
            if (!actual.equals(expected.get())) {
                throw new DatasetException(file + ": sha256 mismatch for known file " + key(file)
                        + ": expected " + expected.get() + ", got " + actual);
            }
        }
        return bytes;
    }
}
