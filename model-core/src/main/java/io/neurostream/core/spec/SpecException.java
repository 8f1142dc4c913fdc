// A model spec that cannot be used: the message names the field (as a JSON path) and the bad value.
package io.neurostream.core.spec;

/** Thrown for an invalid model spec; {@link #getMessage()} is one line, e.g. {@code layers[1].units: must be >= 1, got 0}. */
public final class SpecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String path;

    public SpecException(String path, String problem) {
        super(path.isEmpty() ? problem : path + ": " + problem);
        this.path = path;
    }

    /** Where in the spec the problem is, e.g. "optimizer.learning_rate"; empty for the whole spec. */
    public String path() {
        return path;
    }
}
