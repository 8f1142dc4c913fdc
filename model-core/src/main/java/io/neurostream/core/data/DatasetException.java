// The one error type of the data package: a file or dataset that cannot be read or is not what it claims.
package io.neurostream.core.data;

/**
 * A dataset or data file that is missing, corrupt or inconsistent. The message is one line and
 * starts with the thing that is wrong (a file path or a dataset name), then the expected and the
 * seen value, e.g. {@code .../train-labels-idx1-ubyte.gz: expected magic 0x00000801, got 0x00000803}.
 */
public final class DatasetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
