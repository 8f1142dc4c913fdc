// Gradient checks (float64, central differences) for Conv2D, MaxPool2D, BatchNorm and Dropout: parameters through whole networks, inputs layer by layer.
package io.neurostream.core.gradcheck;

import io.neurostream.core.layers.BatchNorm;
import io.neurostream.core.layers.Conv2D;
import io.neurostream.core.layers.Dropout;
import io.neurostream.core.layers.Layer;
import io.neurostream.core.layers.MaxPool2D;
import io.neurostream.core.net.Network;
import io.neurostream.core.params.Init;
import io.neurostream.core.params.Params;
import io.neurostream.core.rng.Rng;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.tensor.Shape;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

@Tag("numerics")
class ConvGradientCheckTest {

    private static Network net(String inputShape, String layers) {
        return Network.create(ModelSpec.parse("""
                {"name": "check", "input": {"shape": %s}, "dtype": "float64", "seed": 5,
                 "layers": [%s, {"type": "dense", "units": 3, "activation": "softmax"}],
                 "loss": "cross_entropy", "optimizer": {"type": "sgd"}}
                """.formatted(inputShape, layers)));
    }

    private static void check(Network net, int batch) {
        INDArray x = GradientCheck.randomInput(1, net.inputShape().withBatch(batch));
        INDArray y = GradientCheck.randomOneHot(2, batch, 3);
        GradientCheck.check(net, x, y, 400);
    }

    /** Binds a layer to float64 parameters drawn from a seed (BatchNorm's scale and shift moved off 1 and 0). */
    private static Layer bound(Layer layer) {
        Params params = new Params(layer.params().stream().map(p -> p.prefixed("0")).toList(), DataType.DOUBLE);
        layer.bind(params.viewsFor("0"));
        params.initialize(new Rng(3));
        params.values().addi(GradientCheck.randomInput(4, params.values().length()).muli(0.5));
        return layer;
    }

    @ParameterizedTest(name = "{0} -> conv2d(k{1} s{2} p{3}) -> conv2d")
    @CsvSource({
        "'[3, 5, 5]', 3, 2, 1",
        "'[2, 6, 7]', 3, 1, '\"same\"'",
        "'[1, 8, 8]', 4, 2, '\"same\"'",
        "'[2, 7, 7]', 5, 1, 0"
    })
    void convWeightsBiasesAndInputsOfTheSecondConv(String shape, int kernel, int stride, String padding) {
        check(net(shape, """
                {"type": "conv2d", "filters": 3, "kernel": %d, "stride": %d, "padding": %s, "activation": "tanh"},
                {"type": "conv2d", "filters": 2, "kernel": 2, "padding": "same", "activation": "tanh"}
                """.formatted(kernel, stride, padding)), 3);
    }

    @Test
    void convInputGradient() {
        InputGradientCheck.check(bound(new Conv2D(Shape.of(3, 5, 5), 2, 3, 2, 1, Init.XAVIER, DataType.DOUBLE)),
                GradientCheck.randomInput(6, 2, 3, 5, 5), 1000);
        InputGradientCheck.check(bound(new Conv2D(Shape.of(2, 6, 7), 3, 4, 1, Conv2D.SAME, Init.XAVIER, DataType.DOUBLE)),
                GradientCheck.randomInput(7, 2, 2, 6, 7), 1000);
    }

    @Test
    void maxPoolBetweenConvolutions() {
        check(net("[2, 8, 8]", """
                {"type": "conv2d", "filters": 3, "kernel": 3, "padding": 1, "activation": "tanh"},
                {"type": "max_pool2d", "window": 2},
                {"type": "conv2d", "filters": 2, "kernel": 3, "activation": "tanh"},
                {"type": "max_pool2d", "window": 2, "stride": 1}
                """), 3);
    }

    @Test
    void maxPoolInputGradient() {
        InputGradientCheck.check(new MaxPool2D(Shape.of(2, 6, 6), 2, 2, DataType.DOUBLE), GradientCheck.randomInput(8, 3, 2, 6, 6), 1000);
        InputGradientCheck.check(new MaxPool2D(Shape.of(2, 7, 7), 3, 2, DataType.DOUBLE), GradientCheck.randomInput(9, 3, 2, 7, 7), 1000);
    }

    @Test
    void batchNormOnConvMapsInTraining() {
        check(net("[2, 6, 6]", """
                {"type": "conv2d", "filters": 3, "kernel": 3, "activation": "identity"},
                {"type": "batch_norm"},
                {"type": "activation", "activation": "tanh"},
                {"type": "conv2d", "filters": 2, "kernel": 3}
                """), 4);
    }

    @Test
    void batchNormOnFeaturesInTraining() {
        check(net("[4]", """
                {"type": "dense", "units": 5},
                {"type": "batch_norm", "momentum": 0.5},
                {"type": "dense", "units": 4, "activation": "tanh"}
                """), 6);
    }

    @Test
    void batchNormInputGradient() {
        InputGradientCheck.check(bound(new BatchNorm(Shape.of(3, 4, 4), 0.9, 1e-5, DataType.DOUBLE)),
                GradientCheck.randomInput(10, 2, 3, 4, 4), 1000);
        InputGradientCheck.check(bound(new BatchNorm(Shape.of(5), 0.9, 1e-5, DataType.DOUBLE)),
                GradientCheck.randomInput(11, 6, 5), 1000);
    }

    @Test
    void dropoutWithAFixedMask() {
        check(net("[2, 5, 5]", """
                {"type": "conv2d", "filters": 3, "kernel": 3, "padding": "same", "activation": "tanh"},
                {"type": "dropout", "rate": 0.3},
                {"type": "flatten"},
                {"type": "dense", "units": 6, "activation": "tanh"},
                {"type": "dropout", "rate": 0.5}
                """), 4);
    }

    @Test
    void dropoutInputGradient() {
        InputGradientCheck.check(new Dropout(0.4, Shape.of(3, 4, 4), DataType.DOUBLE), GradientCheck.randomInput(12, 2, 3, 4, 4), 1000);
    }
}
