// What every layer needs to know when a network is built: the data type, the weight-init policy and the token vocabulary.
package io.neurostream.core.spec;

import io.neurostream.core.activations.Activation;
import io.neurostream.core.params.Init;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * @param dataType   FLOAT (default) or DOUBLE (gradient checks)
 * @param initPolicy "auto" (He before ReLU-family units, Xavier otherwise), "xavier" or "he"
 * @param vocabulary the input's token vocabulary V (token layers, outputs sized to it), 0 for non-token inputs
 */
public record BuildContext(DataType dataType, String initPolicy, int vocabulary) {
    public static final String AUTO = "auto";
    public static final String XAVIER = "xavier";
    public static final String HE = "he";

    /** A context for non-token inputs. */
    public BuildContext(DataType dataType, String initPolicy) {
        this(dataType, initPolicy, 0);
    }

    /** The init scheme for weights feeding units with the given activation. */
    public Init weightInit(Activation following) {
        return switch (initPolicy) {
            case XAVIER -> Init.XAVIER;
            case HE -> Init.HE;
            default -> following != null && following.prefersHeInit() ? Init.HE : Init.XAVIER;
        };
    }
}
