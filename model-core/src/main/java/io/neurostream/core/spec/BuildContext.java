// What every layer needs to know when a network is built: the data type and the weight-init policy.
package io.neurostream.core.spec;

import io.neurostream.core.activations.Activation;
import io.neurostream.core.params.Init;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * @param dataType   FLOAT (default) or DOUBLE (gradient checks)
 * @param initPolicy "auto" (He before ReLU-family units, Xavier otherwise), "xavier" or "he"
 */
public record BuildContext(DataType dataType, String initPolicy) {
    public static final String AUTO = "auto";
    public static final String XAVIER = "xavier";
    public static final String HE = "he";

    /** The init scheme for weights feeding units with the given activation. */
    public Init weightInit(Activation following) {
        return switch (initPolicy) {
            case XAVIER -> Init.XAVIER;
            case HE -> Init.HE;
            default -> following != null && following.prefersHeInit() ? Init.HE : Init.XAVIER;
        };
    }
}
