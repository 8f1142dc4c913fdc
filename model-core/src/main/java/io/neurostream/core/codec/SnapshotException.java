// A snapshot that cannot be read: foreign bytes, a corrupted checksum, an unknown version or a layout that does not match its spec.
package io.neurostream.core.codec;

/** One-line message naming the model (when known), the format version and what is wrong. */
public final class SnapshotException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SnapshotException(String message) {
        super(message);
    }

    public SnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
