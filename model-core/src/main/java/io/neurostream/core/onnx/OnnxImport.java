// Reads an ONNX model into a neurostream spec and weights: our own exports exactly, other frameworks' chain graphs op by op.
package io.neurostream.core.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.neurostream.core.layers.Conv2D;
import io.neurostream.core.net.Network;
import io.neurostream.core.onnx.OnnxGraph.Model;
import io.neurostream.core.onnx.OnnxGraph.Node;
import io.neurostream.core.onnx.OnnxGraph.Tensor;
import io.neurostream.core.onnx.OnnxGraph.ValueInfo;
import io.neurostream.core.params.Params;
import io.neurostream.core.spec.BatchNormSpec;
import io.neurostream.core.spec.BidirectionalSpec;
import io.neurostream.core.spec.Conv2DSpec;
import io.neurostream.core.spec.DenseSpec;
import io.neurostream.core.spec.EmbeddingSpec;
import io.neurostream.core.spec.LayerSpec;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.RecurrentSpec;
import io.neurostream.core.spec.SpecException;
import io.neurostream.core.spec.TimeDistributedSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Two ways in:
 * <ul>
 * <li>A model exported by neurostream ({@link OnnxExport}) carries its spec in the metadata: the
 *     spec is taken as is and each parameter is read back from its initializer (recurrent weights
 *     through {@link GateLayout}), bit for bit.</li>
 * <li>Any other model must be one chain of operators, each mapping onto a layer:
 *     Gemm or MatMul (+ Add of a constant) -> dense; Conv -> conv2d; MaxPool -> max_pool2d;
 *     Flatten or Reshape to [B, N] -> flatten; Relu, Sigmoid, Tanh, LeakyRelu, Softmax (last axis)
 *     -> the activation of the dense or conv layer before it, else an activation layer;
 *     BatchNormalization -> batch_norm; Dropout and Identity -> nothing (prediction mode).
 *     The first node that does not map is a one-line error naming it and its op. The spec made
 *     from it gets cross-entropy for a softmax output (else mean squared error), Adam 0.001,
 *     batch 32, seed 0: adjust it, or start from your own spec with {@link #loadInto}.</li>
 * </ul>
 * Weights are kept in the order the network declares its parameters, so {@link #loadInto} can
 * fill any network whose parameters have the same shapes in the same order.
 */
public final class OnnxImport {
    static final String MAPPED = "Gemm, MatMul(+Add), Conv, MaxPool, Flatten, Reshape to [B, N], Relu, Sigmoid, Tanh, LeakyRelu, "
            + "Softmax, BatchNormalization, Dropout, Identity";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One parameter's values in neurostream's layout, with the ONNX tensor it came from. */
    record Weight(String source, long[] shape, double[] values) {}

    private final ModelSpec spec;
    private final List<Weight> weights;
    private final String origin;

    private OnnxImport(ModelSpec spec, List<Weight> weights, String origin) {
        this.spec = spec;
        this.weights = List.copyOf(weights);
        this.origin = origin;
    }

    /** Reads an ONNX model; an unreadable file or a graph that does not map is an {@link OnnxException}. */
    public static OnnxImport read(byte[] bytes) {
        Model model = ProtoReader.model(bytes);
        String json = model.metadata().get(OnnxExport.SPEC_KEY);
        if (json == null) {
            return fromGraph(model);
        }
        ModelSpec spec;
        try {
            spec = ModelSpec.parse(json);
        } catch (SpecException e) {
            throw new OnnxException("the neurostream spec in the ONNX metadata is not valid: " + e.getMessage(), e);
        }
        return fromExport(model, spec);
    }

    /** The spec: the exported one, or one made from the graph. */
    public ModelSpec spec() {
        return spec;
    }

    /** Where the model came from, for messages: producer and how it was mapped. */
    public String origin() {
        return origin;
    }

    /** A network of {@link #spec()} holding the imported weights. */
    public Network network() {
        Network net = Network.create(spec);
        loadInto(net);
        return net;
    }

    /**
     * Copies the imported weights into {@code net}, parameter by parameter in declaration order;
     * a different count or shape is an {@link OnnxException} naming the first parameter that differs.
     */
    public void loadInto(Network net) {
        Params params = net.params();
        List<Params.Entry> entries = params.entries();
        for (int k = 0; k < Math.min(entries.size(), weights.size()); k++) {
            Params.Entry e = entries.get(k);
            Weight w = weights.get(k);
            if (!Arrays.equals(e.spec().shape(), w.shape())) {
                throw new OnnxException("model " + net.spec().name() + ": parameter " + e.spec().name() + " is "
                        + Arrays.toString(e.spec().shape()) + " but the ONNX model's tensor " + w.source() + " gives "
                        + Arrays.toString(w.shape()));
            }
        }
        if (entries.size() != weights.size()) {
            throw new OnnxException("model " + net.spec().name() + " has " + entries.size() + " parameter tensors, the ONNX model "
                    + weights.size() + " (" + weights.stream().map(w -> w.source() + Arrays.toString(w.shape())).toList() + ")");
        }
        for (int k = 0; k < entries.size(); k++) {
            INDArray target = params.value(entries.get(k).spec().name());
            Weight w = weights.get(k);
            target.assign(Nd4j.createFromArray(w.values()).castTo(target.dataType()).reshape('c', w.shape()));
        }
    }

    // ---- our own exports: the spec from the metadata, each parameter from its initializer

    private static OnnxImport fromExport(Model model, ModelSpec spec) {
        Map<String, Tensor> tensors = new HashMap<>();
        model.graph().initializers().forEach(t -> tensors.put(t.name(), t));
        List<Weight> weights = new ArrayList<>();
        for (int i = 0; i < spec.layers().size(); i++) {
            LayerSpec layer = spec.layers().get(i);
            String p = Integer.toString(i);
            if (layer instanceof DenseSpec || layer instanceof Conv2DSpec || layer instanceof TimeDistributedSpec) {
                weights.add(direct(tensors, p + ".W"));
                weights.add(direct(tensors, p + ".b"));
            } else if (layer instanceof BatchNormSpec) {
                for (String name : List.of("gamma", "beta", "mean", "var")) {
                    weights.add(direct(tensors, p + "." + name));
                }
            } else if (layer instanceof EmbeddingSpec) {
                weights.add(direct(tensors, p + ".W"));
            } else if (layer instanceof RecurrentSpec r) {
                cells(tensors, p, r, 1, weights);
            } else if (layer instanceof BidirectionalSpec b) {
                cells(tensors, p, b.layer(), 2, weights);
            }
        }
        return new OnnxImport(spec, weights, "neurostream export of " + spec.name() + " (" + model.producerName() + " "
                + model.producerVersion() + ")");
    }

    private static Weight direct(Map<String, Tensor> tensors, String name) {
        Tensor t = tensor(tensors, name);
        return new Weight(name, t.dims(), t.values());
    }

    /** Wx [D, G*H], Wh [H, G*H], b [G*H] of each direction from W, R and B. */
    private static void cells(Map<String, Tensor> tensors, String prefix, RecurrentSpec r, int directions, List<Weight> out) {
        GateLayout layout = r.type().equals(RecurrentSpec.LSTM) ? GateLayout.LSTM : GateLayout.RNN;
        Tensor w = tensor(tensors, prefix + ".W");
        Tensor rw = tensor(tensors, prefix + ".R");
        Tensor b = tensor(tensors, prefix + ".B");
        if (w.dims().length != 3 || w.dims()[0] != directions || rw.dims().length != 3 || b.dims().length != 2) {
            throw new OnnxException("ONNX tensors " + prefix + ".W/R/B: dims " + Arrays.toString(w.dims()) + ", "
                    + Arrays.toString(rw.dims()) + ", " + Arrays.toString(b.dims()) + " do not fit a " + r.type() + " of " + directions
                    + " direction(s)");
        }
        long width = w.dims()[1];
        for (int dir = 0; dir < directions; dir++) {
            out.add(new Weight(prefix + ".W", new long[] {w.dims()[2], width}, layout.matrixFromOnnx(w, dir)));
            out.add(new Weight(prefix + ".R", new long[] {rw.dims()[2], width}, layout.matrixFromOnnx(rw, dir)));
            out.add(new Weight(prefix + ".B", new long[] {width}, layout.biasFromOnnx(b, dir)));
        }
    }

    private static Tensor tensor(Map<String, Tensor> tensors, String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new OnnxException("the ONNX model has no initializer " + name + ", which its neurostream spec needs");
        }
        return t;
    }

    // ---- other frameworks' models: one chain of operators, each onto a layer

    static OnnxImport fromGraph(Model model) {
        return new GraphMapper(model).map();
    }

    /** Walks the chain from the graph input to its output, appending layers and their weights. */
    private static final class GraphMapper {
        private final Model model;
        private final Map<String, Tensor> constants = new HashMap<>();
        private final ArrayNode layers = JSON.createArrayNode();
        private final List<Weight> weights = new ArrayList<>();
        private int[] shape;    // per-sample shape of the current value
        private String current; // name of the current value
        private ObjectNode mergeable; // the last dense or conv layer while no activation follows it yet
        private int index;      // index of the node being mapped
        private Node node;

        GraphMapper(Model model) {
            this.model = model;
        }

        OnnxImport map() {
            model.graph().initializers().forEach(t -> constants.put(t.name(), t));
            List<ValueInfo> inputs = model.graph().inputs().stream().filter(v -> !constants.containsKey(v.name())).toList();
            if (inputs.size() != 1) {
                throw new OnnxException("the ONNX graph has " + inputs.size() + " inputs " + inputs.stream().map(ValueInfo::name).toList()
                        + "; a neurostream model takes one");
            }
            ValueInfo input = inputs.get(0);
            if (input.elemType() != OnnxGraph.FLOAT && input.elemType() != OnnxGraph.DOUBLE) {
                throw new OnnxException("ONNX input " + input.name() + ": element type " + input.elemType()
                        + " is not float or double (token models import only from neurostream's own exports)");
            }
            shape = new int[input.dims().size() - 1];
            for (int d = 1; d < input.dims().size(); d++) {
                if (!(input.dims().get(d) instanceof Long value) || value < 1) {
                    throw new OnnxException("ONNX input " + input.name() + ": dimension " + d + " is " + input.dims().get(d)
                            + "; all but the batch dimension must be fixed");
                }
                shape[d - 1] = Math.toIntExact(value);
            }
            int[] inputShape = shape.clone();
            current = input.name();
            List<Node> nodes = model.graph().nodes();
            for (index = 0; index < nodes.size(); index++) {
                node = nodes.get(index);
                if (node.opType().equals("Constant")) {
                    OnnxGraph.Attribute value = node.attribute("value");
                    if (value == null || value.t() == null) {
                        throw unmapped("a Constant without a tensor value");
                    }
                    constants.put(node.outputs().get(0), value.t());
                    continue;
                }
                if (node.inputs().isEmpty() || !node.inputs().get(0).equals(current)) {
                    throw unmapped("not a chain: its input " + (node.inputs().isEmpty() ? "(none)" : node.inputs().get(0))
                            + " is not the previous layer's output " + current);
                }
                mapNode(nodes);
                current = node.outputs().get(0);
            }
            List<ValueInfo> outputs = model.graph().outputs();
            if (outputs.size() != 1 || !outputs.get(0).name().equals(current)) {
                throw new OnnxException("the ONNX graph's outputs " + outputs.stream().map(ValueInfo::name).toList()
                        + " are not the end of its chain, " + current);
            }
            if (layers.isEmpty()) {
                throw new OnnxException("the ONNX graph has no node that maps onto a layer");
            }
            return new OnnxImport(spec(input, inputShape), weights, model.producerName() + " " + model.producerVersion()
                    + " graph " + model.graph().name() + ", mapped op by op");
        }

        private void mapNode(List<Node> nodes) {
            switch (node.opType()) {
                case "Gemm" -> gemm();
                case "MatMul" -> matMul(nodes);
                case "Conv" -> conv();
                case "MaxPool" -> maxPool();
                case "Flatten" -> flatten(node.intAttribute("axis", 1) == 1, "axis " + node.intAttribute("axis", 1));
                case "Reshape" -> reshape();
                case "Relu" -> activation("relu", 0);
                case "Sigmoid" -> activation("sigmoid", 0);
                case "Tanh" -> activation("tanh", 0);
                case "LeakyRelu" -> activation("leaky_relu", node.floatAttribute("alpha", 0.01f));
                case "Softmax" -> softmax();
                case "BatchNormalization" -> batchNorm();
                case "Dropout", "Identity" -> { }
                default -> throw unmapped("op " + node.opType() + " does not map onto a neurostream layer (mapped: " + MAPPED + ")");
            }
        }

        private void gemm() {
            if (node.intAttribute("transA", 0) != 0 || node.floatAttribute("alpha", 1f) != 1f || node.floatAttribute("beta", 1f) != 1f) {
                throw unmapped("Gemm with transA, alpha or beta other than 0, 1, 1");
            }
            Tensor b = constant(1, "weights");
            boolean transposed = node.intAttribute("transB", 0) == 1;
            dense(b, transposed, node.inputs().size() > 2 && !node.inputs().get(2).isEmpty() ? constant(2, "bias") : null);
        }

        /** MatMul by a constant, with the Add of a constant bias right after it folded in. */
        private void matMul(List<Node> nodes) {
            Tensor b = constant(1, "weights");
            Tensor bias = null;
            if (index + 1 < nodes.size()) {
                Node next = nodes.get(index + 1);
                if (next.opType().equals("Add") && next.inputs().size() == 2) {
                    String out = node.outputs().get(0);
                    String other = next.inputs().get(0).equals(out) ? next.inputs().get(1) : next.inputs().get(1).equals(out) ? next.inputs().get(0) : null;
                    if (other != null && constants.containsKey(other)) {
                        bias = constants.get(other);
                        index++;
                        node = next;
                    }
                }
            }
            dense(b, false, bias);
        }

        private void dense(Tensor w, boolean transposed, Tensor bias) {
            if (shape.length != 1) {
                throw unmapped("a dense product on input " + Arrays.toString(shape) + "; flatten it first");
            }
            if (w.dims().length != 2) {
                throw unmapped("weights " + w.name() + " of dims " + Arrays.toString(w.dims()) + " are not a matrix");
            }
            int in = Math.toIntExact(w.dims()[transposed ? 1 : 0]);
            int out = Math.toIntExact(w.dims()[transposed ? 0 : 1]);
            if (in != shape[0]) {
                throw unmapped("weights " + w.name() + " take " + in + " inputs, the previous layer gives " + shape[0]);
            }
            double[] v = w.values();
            if (transposed) { // [out, in] -> [in, out]
                double[] t = new double[v.length];
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < in; i++) {
                        t[i * out + o] = v[o * in + i];
                    }
                }
                v = t;
            }
            ObjectNode layer = layer("dense").put("units", out);
            weights.add(new Weight(w.name(), new long[] {in, out}, v));
            weights.add(bias(bias, out));
            shape = new int[] {out};
            mergeable = layer;
        }

        private void conv() {
            Tensor w = constant(1, "weights");
            long[] d = w.dims();
            long[] kernel = node.intsAttribute("kernel_shape", d.length == 4 ? new long[] {d[2], d[3]} : new long[0]);
            long[] strides = node.intsAttribute("strides", new long[] {1, 1});
            long[] dilations = node.intsAttribute("dilations", new long[] {1, 1});
            long[] pads = node.intsAttribute("pads", new long[] {0, 0, 0, 0});
            String autoPad = node.stringAttribute("auto_pad", "NOTSET");
            if (shape.length != 3 || d.length != 4 || d[1] != shape[0] || d[2] != d[3] || kernel.length != 2 || kernel[0] != d[2]
                    || kernel[1] != d[3] || node.intAttribute("group", 1) != 1 || strides.length != 2 || strides[0] != strides[1]
                    || dilations.length != 2 || dilations[0] != 1 || dilations[1] != 1) {
                throw unmapped("only a 2-D convolution with a square kernel, equal strides, no dilation and one group over the "
                        + "input's channels maps onto conv2d (input " + Arrays.toString(shape) + ", weights " + Arrays.toString(d) + ")");
            }
            int k = Math.toIntExact(d[2]);
            int stride = Math.toIntExact(strides[0]);
            String padding = convPadding(k, stride, pads, autoPad);
            ObjectNode layer = layer("conv2d").put("filters", d[0]).put("kernel", k).put("stride", stride);
            int pad = padding.equals("same") ? Conv2D.SAME : Integer.parseInt(padding);
            if (padding.equals("same")) {
                layer.put("padding", "same");
            } else {
                layer.put("padding", pad);
            }
            weights.add(new Weight(w.name(), d, w.values()));
            weights.add(bias(node.inputs().size() > 2 && !node.inputs().get(2).isEmpty() ? constant(2, "bias") : null, (int) d[0]));
            shape = new int[] {(int) d[0], Conv2D.outputSize(shape[1], k, stride, pad),
                Conv2D.outputSize(shape[2], k, stride, pad)};
            mergeable = layer;
        }

        /** "same" when the pads are those Conv2D computes for it (smaller half top/left), else the one symmetric pad. */
        private String convPadding(int k, int stride, long[] pads, String autoPad) {
            if (autoPad.equals("SAME_UPPER")) {
                return "same";
            }
            if (autoPad.equals("VALID")) {
                return "0";
            }
            if (!autoPad.equals("NOTSET") || pads.length != 4) {
                throw unmapped("auto_pad " + autoPad + " with pads " + Arrays.toString(pads));
            }
            if (pads[0] == pads[1] && pads[1] == pads[2] && pads[2] == pads[3]) {
                return Long.toString(pads[0]);
            }
            for (int axis = 0; axis < 2; axis++) {
                int n = shape[axis + 1];
                int out = Conv2D.outputSize(n, k, stride, Conv2D.SAME);
                int total = Math.max((out - 1) * stride + k - n, 0);
                if (pads[axis] != total / 2 || pads[axis + 2] != total - total / 2) {
                    throw unmapped("asymmetric pads " + Arrays.toString(pads) + " that are not \"same\" padding");
                }
            }
            return "same";
        }

        private void maxPool() {
            long[] kernel = node.intsAttribute("kernel_shape", new long[0]);
            long[] strides = node.intsAttribute("strides", new long[] {1, 1});
            long[] pads = node.intsAttribute("pads", new long[] {0, 0, 0, 0});
            long[] dilations = node.intsAttribute("dilations", new long[] {1, 1});
            String autoPad = node.stringAttribute("auto_pad", "NOTSET");
            boolean unpadded = Arrays.stream(pads).allMatch(p -> p == 0) && (autoPad.equals("NOTSET") || autoPad.equals("VALID"));
            if (shape.length != 3 || kernel.length != 2 || kernel[0] != kernel[1] || strides.length != 2 || strides[0] != strides[1]
                    || !unpadded || node.intAttribute("ceil_mode", 0) != 0 || dilations[0] != 1 || dilations[1] != 1
                    || node.outputs().size() > 1 && !node.outputs().get(1).isEmpty()) {
                throw unmapped("only square, unpadded, undilated max pooling with equal strides maps onto max_pool2d");
            }
            int window = Math.toIntExact(kernel[0]);
            int stride = Math.toIntExact(strides[0]);
            layer("max_pool2d").put("window", window).put("stride", stride);
            shape = new int[] {shape[0], (shape[1] - window) / stride + 1, (shape[2] - window) / stride + 1};
        }

        private void reshape() {
            long[] target = node.inputs().size() > 1 && constants.containsKey(node.inputs().get(1))
                    ? constants.get(node.inputs().get(1)).longValues() : null;
            int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            boolean flattens = target != null && target.length == 2 && (target[0] == 0 && (target[1] == -1 || target[1] == size)
                    || target[0] == -1 && target[1] == size);
            flatten(flattens, "shape " + (target == null ? "computed in the graph" : Arrays.toString(target)));
        }

        private void flatten(boolean toRows, String what) {
            if (!toRows) {
                throw unmapped(node.opType() + " with " + what + " is not a flatten to [B, N]");
            }
            layer("flatten");
            shape = new int[] {Arrays.stream(shape).reduce(1, (a, b) -> a * b)};
        }

        private void softmax() {
            long axis = node.intAttribute("axis", model.opset() >= 13 ? -1 : 1);
            if (axis != -1 && axis != shape.length) {
                throw unmapped("Softmax over axis " + axis + " of [B, " + Arrays.toString(shape).substring(1)
                        + "; neurostream's softmax runs over the last axis");
            }
            activation("softmax", 0);
        }

        private void activation(String name, float alpha) {
            ObjectNode target = mergeable != null ? mergeable : layer("activation");
            target.put("activation", name);
            if (name.equals("leaky_relu")) {
                target.put("alpha", (double) alpha);
            }
            mergeable = null;
        }

        private void batchNorm() {
            if (node.intAttribute("training_mode", 0) != 0 || node.inputs().size() != 5 || shape.length != 1 && shape.length != 3) {
                throw unmapped("only inference-mode BatchNormalization on [B, C] or [B, C, H, W] maps onto batch_norm");
            }
            layer("batch_norm").put("momentum", (double) node.floatAttribute("momentum", 0.9f))
                    .put("epsilon", (double) node.floatAttribute("epsilon", 1e-5f));
            String[] roles = {"scale", "bias", "mean", "variance"};
            for (int k = 1; k <= 4; k++) {
                Tensor t = constant(k, roles[k - 1]);
                if (t.length() != shape[0]) {
                    throw unmapped(roles[k - 1] + " " + t.name() + " has " + t.length() + " values for " + shape[0] + " channels");
                }
                weights.add(new Weight(t.name(), new long[] {shape[0]}, t.values()));
            }
        }

        private Weight bias(Tensor bias, int units) {
            if (bias == null) {
                return new Weight("(no bias: zeros)", new long[] {units}, new double[units]);
            }
            if (bias.length() != units) {
                throw unmapped("bias " + bias.name() + " has " + bias.length() + " values for " + units + " units");
            }
            return new Weight(bias.name(), new long[] {units}, bias.values());
        }

        private Tensor constant(int input, String role) {
            String name = node.inputs().size() > input ? node.inputs().get(input) : "";
            Tensor t = constants.get(name);
            if (t == null) {
                throw unmapped("its " + role + " " + (name.isEmpty() ? "(none)" : name) + " are not a constant of the model");
            }
            return t;
        }

        private ObjectNode layer(String type) {
            ObjectNode layer = layers.addObject().put("type", type);
            mergeable = null;
            return layer;
        }

        private OnnxException unmapped(String why) {
            return new OnnxException("ONNX node " + index + " \"" + node.name() + "\" (" + node.opType() + "): " + why);
        }

        private ModelSpec spec(ValueInfo input, int[] inputShape) {
            ObjectNode root = JSON.createObjectNode();
            String graphName = model.graph().name().replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
            root.put("name", graphName.isEmpty() ? "onnx-model" : graphName.substring(0, Math.min(graphName.length(), 128)));
            root.put("description", "imported from ONNX (" + model.producerName() + " " + model.producerVersion() + ")");
            ArrayNode dims = root.putObject("input").putArray("shape");
            Arrays.stream(inputShape).forEach(dims::add);
            root.set("layers", layers);
            ObjectNode last = (ObjectNode) layers.get(layers.size() - 1);
            root.put("loss", last.path("activation").asText().equals("softmax") ? "cross_entropy" : "mean_squared_error");
            root.putObject("optimizer").put("type", "adam").put("learning_rate", 0.001);
            root.put("batch_size", 32).put("seed", 0);
            if (input.elemType() == OnnxGraph.DOUBLE) {
                root.put("dtype", "float64");
            }
            try {
                return ModelSpec.parse(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            } catch (com.fasterxml.jackson.core.JsonProcessingException | SpecException e) {
                throw new OnnxException("the spec made from the ONNX graph is not valid: " + e.getMessage(), e);
            }
        }
    }
}
