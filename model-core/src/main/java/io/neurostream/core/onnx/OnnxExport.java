// Writes a network (spec + current weights, no optimizer state) as an ONNX model: IR version 8, default-domain opset 17.
package io.neurostream.core.onnx;

import io.neurostream.core.activations.Activation;
import io.neurostream.core.layers.Conv2D;
import io.neurostream.core.layers.Layer;
import io.neurostream.core.net.Network;
import io.neurostream.core.onnx.OnnxGraph.Attribute;
import io.neurostream.core.onnx.OnnxGraph.Graph;
import io.neurostream.core.onnx.OnnxGraph.Model;
import io.neurostream.core.onnx.OnnxGraph.Node;
import io.neurostream.core.onnx.OnnxGraph.Tensor;
import io.neurostream.core.onnx.OnnxGraph.ValueInfo;
import io.neurostream.core.params.Params;
import io.neurostream.core.spec.ActivationSpec;
import io.neurostream.core.spec.BatchNormSpec;
import io.neurostream.core.spec.BidirectionalSpec;
import io.neurostream.core.spec.Conv2DSpec;
import io.neurostream.core.spec.DenseSpec;
import io.neurostream.core.spec.DropoutSpec;
import io.neurostream.core.spec.EmbeddingSpec;
import io.neurostream.core.spec.FlattenSpec;
import io.neurostream.core.spec.LayerSpec;
import io.neurostream.core.spec.MaxPool2DSpec;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.OneHotSpec;
import io.neurostream.core.spec.RecurrentSpec;
import io.neurostream.core.spec.TimeDistributedSpec;
import io.neurostream.core.tensor.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One chain of standard ONNX operators per model, in prediction mode, walking the spec layer by
 * layer (the spec holds every setting; the network holds the weights):
 * <pre>
 * dense            [Flatten] Gemm(x, W [in, out], b)  + activation; maxout: Reshape [B, units, k] then ReduceMax over k
 * activation       Relu | Sigmoid | Tanh | LeakyRelu(alpha) | Softmax(axis -1) | Identity
 * conv2d           Conv(x, W [F, C, k, k], b) with explicit pads ("same": the smaller half top/left, as Conv2D) + activation
 * max_pool2d       MaxPool, no padding
 * flatten          Flatten(axis 1)
 * dropout          Identity (prediction mode)
 * batch_norm       BatchNormalization with the running mean and variance
 * one_hot          OneHot(tokens, V, [0, 1]) on int64 tokens [B, T]
 * embedding        Gather(W [V, E], tokens)
 * simple_rnn, lstm Transpose to [T, B, D], RNN | LSTM, then back to [B, T, H] (sequences) or [B, H] (last state)
 * bidirectional    the same with direction "bidirectional": forward units first, as neurostream concatenates them
 * time_distributed MatMul(x [B, T, D], W) + b + activation
 * </pre>
 * ONNX orders an LSTM's gates i, o, f, c where neurostream has i, f, o, g: the blocks are
 * reordered and the matrices transposed ({@link GateLayout}). Weights are written in the
 * network's data type (float32 or float64). Initializers of dense, conv, batch norm and
 * embedding layers carry the parameter's own name ("0.W"); the model's spec JSON travels in the
 * metadata key {@value #SPEC_KEY}, so an import restores the same model.
 */
public final class OnnxExport {
    /** Metadata key holding the neurostream spec JSON. */
    public static final String SPEC_KEY = "neurostream.spec";
    /** Graph input: [B, ...input shape] (int64 tokens [B, T] for token models). */
    public static final String INPUT = "input";
    /** Graph output: [B, ...output shape]. */
    public static final String OUTPUT = "output";

    private final ModelSpec spec;
    private final Params params;
    private final int elemType;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Tensor> initializers = new ArrayList<>();
    private String current = INPUT;
    private String layerName;
    private int nodeCount;

    private OnnxExport(Network net) {
        this.spec = net.spec();
        this.params = net.params();
        this.elemType = net.dataType() == DataType.DOUBLE ? OnnxGraph.DOUBLE : OnnxGraph.FLOAT;
    }

    /** The ONNX model bytes of the network as it is now; a layer with no faithful ONNX form is an {@link OnnxException}. */
    public static byte[] export(Network net) {
        return ProtoWriter.model(new OnnxExport(net).model());
    }

    private Model model() {
        Shape shape = spec.input().shape();
        for (int i = 0; i < spec.layers().size(); i++) {
            LayerSpec layer = spec.layers().get(i);
            layerName = "layers[" + i + "]";
            nodeCount = 0;
            addLayer(layer, Integer.toString(i), shape);
            List<Layer> built = layer.build(shape, spec.buildContext(), layerName);
            shape = built.get(built.size() - 1).outputShape();
        }
        nodes.add(new Node(OUTPUT, "Identity", List.of(current), List.of(OUTPUT), List.of()));
        List<Object> inputDims = new ArrayList<>();
        inputDims.add("batch");
        for (int d : spec.input().shape().dims()) {
            inputDims.add((long) d);
        }
        List<Object> outputDims = new ArrayList<>();
        outputDims.add("batch");
        for (int d : shape.dims()) {
            outputDims.add((long) d);
        }
        int inputType = spec.input().isTokens() ? OnnxGraph.INT64 : elemType;
        Graph graph = new Graph(spec.name(), nodes, initializers, List.of(new ValueInfo(INPUT, inputType, inputDims)),
                List.of(new ValueInfo(OUTPUT, elemType, outputDims)));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(SPEC_KEY, spec.json());
        return new Model(OnnxGraph.IR_VERSION, OnnxGraph.OPSET, "neurostream", version(), graph, metadata);
    }

    private void addLayer(LayerSpec layer, String prefix, Shape in) {
        if (layer instanceof DenseSpec d) {
            if (in.rank() > 1) {
                node("Flatten", List.of(current), Attribute.of("axis", 1L));
            }
            node("Gemm", List.of(current, weight(prefix + ".W"), weight(prefix + ".b")));
            if (d.activation().equals(DenseSpec.MAXOUT)) {
                node("Reshape", List.of(current, ints(prefix + ".pieces", 0, d.units(), d.pieces())));
                node("ReduceMax", List.of(current), Attribute.ints("axes", 2), Attribute.of("keepdims", 0L));
            } else {
                activation(Activation.fromSpecName(d.activation()), d.alpha());
            }
        } else if (layer instanceof ActivationSpec a) {
            activation(a.activation(), a.alpha());
        } else if (layer instanceof Conv2DSpec c) {
            node("Conv", List.of(current, weight(prefix + ".W"), weight(prefix + ".b")),
                    Attribute.ints("kernel_shape", c.kernel(), c.kernel()), Attribute.ints("strides", c.stride(), c.stride()),
                    Attribute.ints("pads", convPads(c, in)), Attribute.ints("dilations", 1, 1), Attribute.of("group", 1L));
            activation(Activation.fromSpecName(c.activation()), c.alpha());
        } else if (layer instanceof MaxPool2DSpec p) {
            node("MaxPool", List.of(current), Attribute.ints("kernel_shape", p.window(), p.window()),
                    Attribute.ints("strides", p.stride(), p.stride()), Attribute.ints("pads", 0, 0, 0, 0));
        } else if (layer instanceof FlattenSpec) {
            node("Flatten", List.of(current), Attribute.of("axis", 1L));
        } else if (layer instanceof DropoutSpec) {
            node("Identity", List.of(current));
        } else if (layer instanceof BatchNormSpec b) {
            node("BatchNormalization", List.of(current, weight(prefix + ".gamma"), weight(prefix + ".beta"),
                            weight(prefix + ".mean"), weight(prefix + ".var")),
                    Attribute.of("epsilon", (float) b.epsilon()), Attribute.of("momentum", (float) b.momentum()));
        } else if (layer instanceof OneHotSpec) {
            String depth = add(Tensor.longs(prefix + ".depth", new long[] {spec.input().vocabulary()}));
            String values = add(elemType == OnnxGraph.DOUBLE ? Tensor.doubles(prefix + ".values", new double[] {0, 1}, 2)
                    : Tensor.floats(prefix + ".values", new float[] {0, 1}, 2));
            node("OneHot", List.of(current, depth, values), Attribute.of("axis", -1L));
        } else if (layer instanceof EmbeddingSpec) {
            node("Gather", List.of(weight(prefix + ".W"), current), Attribute.of("axis", 0L));
        } else if (layer instanceof RecurrentSpec r) {
            recurrent(r, prefix, List.of(prefix));
        } else if (layer instanceof BidirectionalSpec b) {
            recurrent(b.layer(), prefix, List.of(prefix + ".forward", prefix + ".backward"));
        } else if (layer instanceof TimeDistributedSpec t) {
            node("MatMul", List.of(current, weight(prefix + ".W")));
            node("Add", List.of(current, weight(prefix + ".b")));
            activation(t.activation(), t.alpha());
        } else {
            throw new OnnxException("model " + spec.name() + ", " + layerName + ": layer type \"" + layer.type()
                    + "\" has no faithful ONNX form");
        }
    }

    /**
     * [B, T, D] -> Transpose [T, B, D] -> RNN/LSTM (ONNX runtimes read the time-major layout) ->
     * Y [T, dirs, B, H] -> [B, T, dirs*H], or Y_h [dirs, B, H] -> [B, dirs*H].
     */
    private void recurrent(RecurrentSpec r, String prefix, List<String> cells) {
        int directions = cells.size();
        boolean lstm = r.type().equals(RecurrentSpec.LSTM);
        GateLayout layout = lstm ? GateLayout.LSTM : GateLayout.RNN;
        List<INDArray[]> weights = new ArrayList<>();
        for (String cell : cells) {
            weights.add(new INDArray[] {params.value(cell + ".Wx"), params.value(cell + ".Wh"), params.value(cell + ".b")});
        }
        String w = add(layout.inputWeights(prefix + ".W", weights, elemType));
        String rw = add(layout.hiddenWeights(prefix + ".R", weights, elemType));
        String b = add(layout.biases(prefix + ".B", weights, elemType));
        node("Transpose", List.of(current), Attribute.ints("perm", 1, 0, 2));
        String timeMajor = current;
        String out = next();
        List<String> outputs = r.returnSequences() ? List.of(out) : List.of("", out);
        nodes.add(new Node(out, lstm ? "LSTM" : "RNN", List.of(timeMajor, w, rw, b), outputs,
                List.of(Attribute.of("hidden_size", (long) r.units()), Attribute.of("direction", directions == 2 ? "bidirectional" : "forward"))));
        current = out;
        if (r.returnSequences()) {
            node("Transpose", List.of(current), Attribute.ints("perm", 2, 0, 1, 3));
            node("Reshape", List.of(current, ints(prefix + ".sequenceShape", 0, 0, -1)));
        } else {
            node("Transpose", List.of(current), Attribute.ints("perm", 1, 0, 2));
            node("Reshape", List.of(current, ints(prefix + ".lastShape", 0, -1)));
        }
    }

    /** Explicit pads [top, left, bottom, right]; "same" splits max((out-1)*s + k - n, 0) with the smaller half first. */
    private static long[] convPads(Conv2DSpec c, Shape in) {
        if (c.padding() != Conv2D.SAME) {
            return new long[] {c.padding(), c.padding(), c.padding(), c.padding()};
        }
        long[] pads = new long[4];
        for (int axis = 0; axis < 2; axis++) {
            int n = in.dim(axis + 1);
            int out = Conv2D.outputSize(n, c.kernel(), c.stride(), Conv2D.SAME);
            int total = Math.max((out - 1) * c.stride() + c.kernel() - n, 0);
            pads[axis] = total / 2;
            pads[axis + 2] = total - total / 2;
        }
        return pads;
    }

    private void activation(Activation f, double alpha) {
        switch (f) {
            case IDENTITY -> { }
            case SIGMOID -> node("Sigmoid", List.of(current));
            case TANH -> node("Tanh", List.of(current));
            case RELU -> node("Relu", List.of(current));
            case LEAKY_RELU -> node("LeakyRelu", List.of(current), Attribute.of("alpha", (float) alpha));
            case SOFTMAX -> node("Softmax", List.of(current), Attribute.of("axis", -1L));
        }
    }

    /** The parameter as an initializer of the same name and shape, in the network's layout. */
    private String weight(String name) {
        INDArray value = params.value(name);
        long[] dims = value.shape();
        return add(elemType == OnnxGraph.DOUBLE ? Tensor.doubles(name, value.dup('c').data().asDouble(), dims)
                : Tensor.floats(name, value.dup('c').data().asFloat(), dims));
    }

    private String ints(String name, long... values) {
        return add(Tensor.longs(name, values, values.length));
    }

    private String add(Tensor t) {
        initializers.add(t);
        return t.name();
    }

    private void node(String op, List<String> inputs, Attribute... attributes) {
        String out = next();
        nodes.add(new Node(out, op, inputs, List.of(out), List.of(attributes)));
        current = out;
    }

    /** Node and value names: the spec path and a counter, e.g. "layers[0]/1". */
    private String next() {
        return layerName + "/" + nodeCount++;
    }

    private static String version() {
        String v = OnnxExport.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
