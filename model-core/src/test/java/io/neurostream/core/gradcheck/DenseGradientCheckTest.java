// Gradient checks for the dense layer, every activation (maxout included) and every loss.
package io.neurostream.core.gradcheck;

import io.neurostream.core.net.Network;
import io.neurostream.core.spec.ModelSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

@Tag("numerics")
class DenseGradientCheckTest {

    /** dense(5) -> activation under test -> dense(K) -> output activation, with the given loss. */
    private static Network net(String hiddenActivation, String outputActivation, String loss, int outputs) {
        String extra = hiddenActivation.equals("maxout") ? ", \"pieces\": 3" : hiddenActivation.equals("leaky_relu") ? ", \"alpha\": 0.1" : "";
        return Network.create(ModelSpec.parse("""
                {"name": "check", "input": {"shape": [4]}, "dtype": "float64", "seed": 3,
                 "layers": [{"type": "dense", "units": 5, "activation": "%s"%s},
                            {"type": "dense", "units": %d, "activation": "%s"}],
                 "loss": "%s", "optimizer": {"type": "sgd"}}
                """.formatted(hiddenActivation, extra, outputs, outputActivation, loss)));
    }

    @ParameterizedTest(name = "hidden {0}")
    @CsvSource({"identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax", "maxout"})
    void everyHiddenActivationBackPropagates(String activation) {
        Network net = net(activation, "identity", "half_squared_error", 3);
        INDArray x = GradientCheck.randomInput(1, 6, 4);
        INDArray y = GradientCheck.randomInput(2, 6, 3);
        GradientCheck.check(net, x, y, 200);
    }

    @ParameterizedTest(name = "{1} output, {0}")
    @CsvSource({
        "half_squared_error, sigmoid",
        "half_squared_error, softmax",
        "mean_squared_error, tanh",
        "cross_entropy, softmax",        // fused with softmax
        "cross_entropy, sigmoid",        // not fused: outputs are probabilities
        "binary_cross_entropy, sigmoid", // fused with sigmoid
        "binary_cross_entropy, softmax"  // not fused
    })
    void everyLossBackPropagates(String loss, String outputActivation) {
        Network net = net("tanh", outputActivation, loss, 3);
        INDArray x = GradientCheck.randomInput(4, 6, 4);
        INDArray y = loss.contains("cross_entropy")
                ? GradientCheck.randomOneHot(5, 6, 3)
                : Transforms.sigmoid(GradientCheck.randomInput(5, 6, 3));
        GradientCheck.check(net, x, y, 200);
    }
}
