// Importing ONNX: our exports come back bit for bit, other frameworks' chain graphs map onto layers, and what does not map is named.
package io.neurostream.core.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurostream.core.net.Network;
import io.neurostream.core.onnx.OnnxGraph.Model;
import io.neurostream.core.onnx.OnnxGraph.Node;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class OnnxImportTest {

    @ParameterizedTest
    @ValueSource(strings = {"xor", "mnist-mlp", "lenet5", "mnist-cnn", "char-lstm", "zoo"})
    void shouldRestoreEveryExportBitForBit(String name) {
        Network net = Network.create(name.equals("zoo") ? zoo() : Presets.load(name));
        OnnxExportTest.perturb(net, 11);
        OnnxImport imported = OnnxImport.read(OnnxExport.export(net));
        assertEquals(net.spec().json(), imported.spec().json());
        assertSameBits(net, imported.network());
    }

    @ParameterizedTest
    @ValueSource(strings = {"xor", "mnist-mlp", "lenet5", "mnist-cnn", "graph-zoo"})
    void shouldMapTheGraphOfMlpsAndCnnsOpByOpOntoTheSameLayers(String preset) {
        Network net = Network.create(preset.equals("graph-zoo") ? graphZoo() : Presets.load(preset));
        OnnxExportTest.perturb(net, 12);
        Model model = ProtoReader.model(OnnxExport.export(net));
        OnnxImport mapped = OnnxImport.fromGraph(model); // ignores the spec in the metadata
        Network copy = Network.create(net.spec());
        mapped.loadInto(copy);
        assertSameBits(net, copy);
        // the spec made from the graph is the preset's, less its dropout (an Identity in prediction mode)
        INDArray input = OnnxExportTest.inputs(net.spec(), 8, 13);
        assertEquals(net.predict(input).dup(), mapped.network().predict(input).dup());
    }

    @Test
    void shouldImportAPyTorchExportAndReproduceItsOutputs() throws IOException {
        byte[] onnx = resource("torch-cnn.onnx");
        JsonNode expected = new ObjectMapper().readTree(resource("torch-cnn.expected.json"));
        OnnxImport imported = OnnxImport.read(onnx);
        assertTrue(imported.origin().startsWith("pytorch "), imported.origin());
        List<String> layers = new ArrayList<>();
        new ObjectMapper().readTree(imported.spec().json()).get("layers").forEach(l -> layers.add(l.toString()));
        assertEquals(List.of("{\"type\":\"conv2d\",\"filters\":3,\"kernel\":3,\"stride\":1,\"padding\":1,\"activation\":\"relu\"}",
                "{\"type\":\"max_pool2d\",\"window\":2,\"stride\":2}", "{\"type\":\"flatten\"}",
                "{\"type\":\"dense\",\"units\":10,\"activation\":\"relu\"}", "{\"type\":\"dense\",\"units\":4,\"activation\":\"softmax\"}"),
                layers);
        INDArray input = array(expected.get("inputs"), 1, 8, 8);
        INDArray want = array(expected.get("outputs"));
        INDArray got = imported.network().predict(input);
        double diff = want.sub(got).amaxNumber().doubleValue();
        System.out.printf("onnx import of %s: max |neurostream - torch| = %.3g over %d inputs%n",
                expected.get("producer").asText(), diff, input.size(0));
        assertTrue(diff <= 1e-5, "max difference " + diff);
    }

    @Test
    void shouldLoadImportedWeightsIntoASpecWithTheSameLayoutAndNameTheFirstThatDiffers() throws IOException {
        OnnxImport torch = OnnxImport.read(resource("torch-cnn.onnx"));
        ModelSpec same = torch.spec().with(Map.of("name", "mine", "seed", 9, "optimizer", Map.of("type", "sgd", "learning_rate", 0.1)));
        Network mine = Network.create(same);
        torch.loadInto(mine);
        assertSameBits(torch.network(), mine);

        OnnxException e = assertThrows(OnnxException.class, () -> torch.loadInto(Network.create(Presets.load("lenet5"))));
        assertEquals("model lenet5: parameter 0.W is [6, 1, 5, 5] but the ONNX model's tensor 0.weight gives [3, 1, 3, 3]", e.getMessage());
    }

    @Test
    void shouldNameTheFirstNodeThatDoesNotMap() {
        Model xor = ProtoReader.model(OnnxExport.export(Network.create(Presets.load("xor"))));
        List<Node> nodes = new ArrayList<>(xor.graph().nodes());
        Node sigmoid = nodes.get(1);
        nodes.set(1, new Node(sigmoid.name(), "Erf", sigmoid.inputs(), sigmoid.outputs(), List.of()));
        Model changed = new Model(xor.irVersion(), xor.opset(), "test", "1", new OnnxGraph.Graph(xor.graph().name(), nodes,
                xor.graph().initializers(), xor.graph().inputs(), xor.graph().outputs()), Map.of());
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxImport.read(ProtoWriter.model(changed)));
        assertEquals("ONNX node 1 \"layers[0]/1\" (Erf): op Erf does not map onto a neurostream layer (mapped: " + OnnxImport.MAPPED + ")",
                e.getMessage());
    }

    @Test
    void shouldRejectBytesThatAreNotAnOnnxModel() {
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxImport.read(new byte[] {0x0a, 0x7f, 1}));
        assertTrue(e.getMessage().startsWith("not an ONNX model"), e.getMessage());
    }

    /** The layer types the op-by-op mapping knows, with strided "same" convolutions on odd sizes. */
    static ModelSpec graphZoo() {
        return ModelSpec.parse("""
                {"name": "graph-zoo", "input": {"shape": [2, 9, 7]}, "layers": [
                  {"type": "conv2d", "filters": 3, "kernel": 3, "stride": 2, "padding": "same", "activation": "leaky_relu", "alpha": 0.25},
                  {"type": "batch_norm", "momentum": 0.5, "epsilon": 0.001},
                  {"type": "max_pool2d", "window": 2, "stride": 1},
                  {"type": "conv2d", "filters": 2, "kernel": 2, "padding": "same"},
                  {"type": "activation", "activation": "tanh"},
                  {"type": "flatten"},
                  {"type": "dense", "units": 6, "activation": "sigmoid"},
                  {"type": "batch_norm"},
                  {"type": "dense", "units": 3, "activation": "softmax"}],
                 "loss": "cross_entropy", "optimizer": {"type": "sgd", "learning_rate": 0.1}, "seed": 8}""");
    }

    /** Every layer type with parameters or statistics. */
    static ModelSpec zoo() {
        return ModelSpec.parse("""
                {"name": "zoo", "input": {"shape": [5], "vocabulary": 7}, "layers": [
                  {"type": "embedding", "units": 4},
                  {"type": "bidirectional", "layer": {"type": "lstm", "units": 3, "return_sequences": true}},
                  {"type": "simple_rnn", "units": 4, "return_sequences": true},
                  {"type": "time_distributed", "units": 3, "activation": "relu"},
                  {"type": "lstm", "units": 2},
                  {"type": "batch_norm"},
                  {"type": "dense", "units": 4, "activation": "maxout", "pieces": 2},
                  {"type": "dense", "units": 3, "activation": "softmax"}],
                 "loss": "cross_entropy", "optimizer": {"type": "sgd", "learning_rate": 0.1}, "seed": 2}""");
    }

    static void assertSameBits(Network a, Network b) {
        assertArrayEquals(bits(a.params().values()), bits(b.params().values()), "trained values");
        assertArrayEquals(bits(a.params().state()), bits(b.params().state()), "state");
    }

    private static long[] bits(INDArray flat) {
        if (flat.dataType() == DataType.DOUBLE) {
            return java.util.Arrays.stream(flat.data().asDouble()).mapToLong(Double::doubleToRawLongBits).toArray();
        }
        float[] f = flat.data().asFloat();
        long[] out = new long[f.length];
        for (int k = 0; k < f.length; k++) {
            out[k] = Float.floatToRawIntBits(f[k]);
        }
        return out;
    }

    private static INDArray array(JsonNode rows, int... sampleShape) {
        List<Float> values = new ArrayList<>();
        collect(rows, values);
        float[] flat = new float[values.size()];
        for (int k = 0; k < flat.length; k++) {
            flat[k] = values.get(k);
        }
        long batch = rows.size();
        long[] shape = sampleShape.length == 0 ? new long[] {batch, flat.length / batch} : new long[sampleShape.length + 1];
        if (sampleShape.length > 0) {
            shape[0] = batch;
            for (int d = 0; d < sampleShape.length; d++) {
                shape[d + 1] = sampleShape[d];
            }
        }
        return Nd4j.create(flat, shape, 'c');
    }

    private static void collect(JsonNode node, List<Float> out) {
        if (node.isArray()) {
            node.forEach(child -> collect(child, out));
        } else {
            out.add(node.floatValue());
        }
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = OnnxImportTest.class.getResourceAsStream("/onnx/" + name)) {
            return in.readAllBytes();
        }
    }
}
