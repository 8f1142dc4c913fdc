// Every preset and every layer type exported to ONNX computes in ONNX Runtime what the network computes, to 1e-5.
package io.neurostream.core.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.layers.Layer;
import io.neurostream.core.net.Network;
import io.neurostream.core.params.ParamSpec;
import io.neurostream.core.params.Params;
import io.neurostream.core.spec.LayerSpec;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import io.neurostream.core.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class OnnxExportTest {
    static final int SAMPLES = 100;
    static final double TOLERANCE = 1e-5;

    @ParameterizedTest
    @ValueSource(strings = {"xor", "mnist-mlp", "lenet5", "mnist-cnn", "char-lstm"})
    void shouldMatchTheForwardPassOfEveryPresetInOnnxRuntime(String preset) {
        assertMatchesRuntime(Presets.load(preset));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // leaky ReLU, maxout, tanh, batch norm on features, dropout, stand-alone activations
        """
        {"name": "dense-zoo", "input": {"shape": [12]}, "layers": [
          {"type": "dense", "units": 16, "activation": "leaky_relu", "alpha": 0.2},
          {"type": "batch_norm", "momentum": 0.8, "epsilon": 0.001},
          {"type": "dense", "units": 8, "activation": "maxout", "pieces": 3},
          {"type": "dropout", "rate": 0.3},
          {"type": "dense", "units": 6, "activation": "tanh"},
          {"type": "activation", "activation": "sigmoid"},
          {"type": "dense", "units": 4},
          {"type": "activation", "activation": "softmax"}],
         "loss": "cross_entropy", "optimizer": {"type": "sgd", "learning_rate": 0.1}, "seed": 3}""",
        // strided and "same" convolutions on odd sizes, batch norm on feature maps, pooling with its own stride, dense on maps
        """
        {"name": "conv-zoo", "input": {"shape": [2, 11, 9]}, "layers": [
          {"type": "conv2d", "filters": 4, "kernel": 3, "stride": 2, "padding": "same", "activation": "relu"},
          {"type": "batch_norm"},
          {"type": "conv2d", "filters": 3, "kernel": 2, "padding": 1, "activation": "leaky_relu"},
          {"type": "max_pool2d", "window": 3, "stride": 2},
          {"type": "dense", "units": 5, "activation": "softmax"}],
         "loss": "cross_entropy", "optimizer": {"type": "sgd", "learning_rate": 0.1}, "seed": 4}""",
        // embedding, bidirectional LSTM over sequences, simple RNN to its last state
        """
        {"name": "seq-zoo", "input": {"shape": [7], "vocabulary": 11}, "layers": [
          {"type": "embedding", "units": 5},
          {"type": "bidirectional", "layer": {"type": "lstm", "units": 6, "return_sequences": true}},
          {"type": "simple_rnn", "units": 4},
          {"type": "dense", "units": 3, "activation": "softmax"}],
         "loss": "cross_entropy", "optimizer": {"type": "sgd", "learning_rate": 0.1}, "seed": 5}""",
        // one-hot, simple RNN over sequences, bidirectional simple RNN and LSTM to their last states, time-distributed
        """
        {"name": "seq-zoo-2", "input": {"shape": [6], "vocabulary": 9}, "layers": [
          {"type": "one_hot"},
          {"type": "simple_rnn", "units": 5, "return_sequences": true},
          {"type": "bidirectional", "layer": {"type": "simple_rnn", "units": 3, "return_sequences": true}},
          {"type": "time_distributed", "units": 4, "activation": "tanh"},
          {"type": "bidirectional", "layer": {"type": "lstm", "units": 3}},
          {"type": "dense", "units": 2, "activation": "sigmoid"}],
         "loss": "binary_cross_entropy", "optimizer": {"type": "sgd", "learning_rate": 0.1}, "seed": 6}""",
        // float64 weights and inputs
        """
        {"name": "double-mlp", "input": {"shape": [5]}, "dtype": "float64", "layers": [
          {"type": "dense", "units": 7, "activation": "relu"}, {"type": "dense", "units": 3, "activation": "softmax"}],
         "loss": "cross_entropy", "optimizer": {"type": "sgd", "learning_rate": 0.1}, "seed": 7}"""})
    void shouldMatchTheForwardPassOfEveryLayerTypeInOnnxRuntime(String json) {
        assertMatchesRuntime(ModelSpec.parse(json));
    }

    @Test
    void shouldNameTheLayerThatHasNoOnnxForm() {
        ModelSpec mlp = Presets.load("xor");
        LayerSpec custom = new LayerSpec() {
            @Override
            public String type() {
                return "custom";
            }

            @Override
            public List<Layer> build(Shape input, io.neurostream.core.spec.BuildContext context, String path) {
                return mlp.layers().get(0).build(input, context, path);
            }
        };
        List<LayerSpec> layers = new ArrayList<>(mlp.layers());
        layers.set(1, custom);
        ModelSpec spec = new ModelSpec(mlp.name(), "", mlp.input(), layers, mlp.loss(), mlp.optimizer(), 4, 1,
                mlp.initPolicy(), mlp.dataType(), mlp.drift(), mlp.source(), mlp.replication(), mlp.json());
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxExport.export(Network.create(spec)));
        assertEquals("model xor, layers[1]: layer type \"custom\" has no faithful ONNX form", e.getMessage());
    }

    @Test
    void shouldPinIrVersionAndOpsetAndCarryTheSpec() {
        Network net = Network.create(Presets.load("xor"));
        OnnxGraph.Model model = ProtoReader.model(OnnxExport.export(net));
        assertEquals(8, model.irVersion());
        assertEquals(17, model.opset());
        assertEquals(net.spec().json(), model.metadata().get(OnnxExport.SPEC_KEY));
        assertArrayEquals(new String[] {"Gemm", "Sigmoid", "Gemm", "Sigmoid", "Identity"},
                model.graph().nodes().stream().map(OnnxGraph.Node::opType).toArray());
    }

    /** Largest |ONNX Runtime - network| over 100 inputs, after moving every weight, bias and statistic off its initial value. */
    static double assertMatchesRuntime(ModelSpec spec) {
        Network net = Network.create(spec);
        perturb(net, spec.seed());
        INDArray input = inputs(spec, SAMPLES, spec.seed() + 1);
        INDArray expected = net.predict(input).dup();
        INDArray actual = OrtRunner.run(OnnxExport.export(net), input, spec.input().isTokens());
        assertArrayEquals(expected.shape(), actual.shape(), spec.name());
        double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        System.out.printf("onnx export %s: max |onnxruntime - neurostream| = %.3g over %d inputs%n", spec.name(), diff, SAMPLES);
        assertTrue(diff <= TOLERANCE, spec.name() + ": max difference " + diff);
        return diff;
    }

    /**
     * Moves every bias (drawn as zeros or ones) by seeded noise of 0.1 and spreads the batch-norm
     * statistics over [0.5, 1.5), so that a misplaced bias or statistic shows; weights keep their
     * random initial values, at the scale training starts from.
     */
    static void perturb(Network net, long seed) {
        Nd4j.getRandom().setSeed(seed);
        for (Params.Entry e : net.params().entries()) {
            INDArray value = net.params().value(e.spec().name());
            if (e.isState()) {
                value.assign(Nd4j.rand(value.dataType(), value.shape()).addi(0.5));
            } else if (e.spec().role() == ParamSpec.Role.BIAS) {
                value.addi(Nd4j.randn(value.dataType(), value.shape()).muli(0.1));
            }
        }
    }

    /** B random samples: pixels in [0, 1), or token indices below the vocabulary. */
    static INDArray inputs(ModelSpec spec, int batch, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(spec.dataType(), spec.input().shape().withBatch(batch));
        if (spec.input().isTokens()) {
            x.muli(spec.input().vocabulary());
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.same.Floor(x, x));
        }
        return x;
    }
}
