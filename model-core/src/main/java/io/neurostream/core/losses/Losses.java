// The loss functions neurostream knows, by spec name.
package io.neurostream.core.losses;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/** Registry of losses by their spec names. */
public final class Losses {
    public static final String HALF_SQUARED_ERROR = "half_squared_error";
    public static final String MEAN_SQUARED_ERROR = "mean_squared_error";
    public static final String CROSS_ENTROPY = "cross_entropy";
    public static final String BINARY_CROSS_ENTROPY = "binary_cross_entropy";

    private static final List<String> NAMES = List.of(HALF_SQUARED_ERROR, MEAN_SQUARED_ERROR, CROSS_ENTROPY, BINARY_CROSS_ENTROPY);

    private Losses() {}

    public static List<String> names() {
        return NAMES;
    }

    /** A new loss instance (losses keep reusable buffers, so each network has its own); null if unknown. */
    public static Loss create(String name, DataType dataType) {
        return switch (name) {
            case HALF_SQUARED_ERROR -> new SquaredError(true, dataType);
            case MEAN_SQUARED_ERROR -> new SquaredError(false, dataType);
            case CROSS_ENTROPY -> new CrossEntropy(dataType);
            case BINARY_CROSS_ENTROPY -> new BinaryCrossEntropy(dataType);
            default -> null;
        };
    }
}
