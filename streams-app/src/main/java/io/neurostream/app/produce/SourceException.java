// Input data that cannot become samples: the message names the file (and line) and the value seen.
package io.neurostream.app.produce;

/** Thrown for a bad data file or source setting, e.g. {@code points.csv:7: column 3 "abc" is not a number}. */
public final class SourceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
