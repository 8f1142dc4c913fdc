// SHA-256 digests as lowercase hex, the form sha256sum prints (FIPS 180-4 via java.security).
package io.neurostream.core.data;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

final class Sha256 {
    private Sha256() {
    }

    /** The sha256 of {@code bytes} as 64 lowercase hex digits. */
    static String hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM, which every Java SE must provide", e);
        }
    }
}
