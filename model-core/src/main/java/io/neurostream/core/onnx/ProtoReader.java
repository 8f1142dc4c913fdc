// Reads an ONNX ModelProto from the protobuf wire format into OnnxGraph records; fields it does not use are skipped.
package io.neurostream.core.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.neurostream.core.onnx.OnnxGraph.Attribute;
import io.neurostream.core.onnx.OnnxGraph.Graph;
import io.neurostream.core.onnx.OnnxGraph.Model;
import io.neurostream.core.onnx.OnnxGraph.Node;
import io.neurostream.core.onnx.OnnxGraph.Tensor;
import io.neurostream.core.onnx.OnnxGraph.ValueInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Field numbers as in onnx.proto. Repeated scalars are accepted packed or unpacked (writers
 * differ); tensor values in float_data, double_data, int32_data or int64_data are turned into
 * raw little-endian bytes like raw_data. Tensors stored outside the file (external data) are an
 * error.
 */
final class ProtoReader {
    private ProtoReader() {}

    static Model model(byte[] bytes) {
        try {
            return readModel(stream(bytes));
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxException("not an ONNX model (protobuf): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new OnnxException("cannot read the ONNX model: " + e.getMessage(), e);
        }
    }

    private static Model readModel(CodedInputStream in) throws IOException {
        long irVersion = 0;
        long opset = 0;
        String producer = "";
        String producerVersion = "";
        Graph graph = null;
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> irVersion = in.readInt64();
                case 2 -> producer = in.readString();
                case 3 -> producerVersion = in.readString();
                case 7 -> graph = readGraph(sub(in));
                case 8 -> {
                    CodedInputStream o = sub(in);
                    String domain = "";
                    long version = 0;
                    for (int t; (t = o.readTag()) != 0; ) {
                        switch (WireFormat.getTagFieldNumber(t)) {
                            case 1 -> domain = o.readString();
                            case 2 -> version = o.readInt64();
                            default -> o.skipField(t);
                        }
                    }
                    if (domain.isEmpty() || domain.equals("ai.onnx")) {
                        opset = version;
                    }
                }
                case 14 -> {
                    CodedInputStream o = sub(in);
                    String key = "";
                    String value = "";
                    for (int t; (t = o.readTag()) != 0; ) {
                        switch (WireFormat.getTagFieldNumber(t)) {
                            case 1 -> key = o.readString();
                            case 2 -> value = o.readString();
                            default -> o.skipField(t);
                        }
                    }
                    metadata.put(key, value);
                }
                default -> in.skipField(tag);
            }
        }
        if (graph == null) {
            throw new OnnxException("not an ONNX model: no graph");
        }
        return new Model(irVersion, opset, producer, producerVersion, graph, metadata);
    }

    private static Graph readGraph(CodedInputStream in) throws IOException {
        String name = "";
        List<Node> nodes = new ArrayList<>();
        List<Tensor> initializers = new ArrayList<>();
        List<ValueInfo> inputs = new ArrayList<>();
        List<ValueInfo> outputs = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> nodes.add(readNode(sub(in)));
                case 2 -> name = in.readString();
                case 5 -> initializers.add(readTensor(sub(in)));
                case 11 -> inputs.add(readValueInfo(sub(in)));
                case 12 -> outputs.add(readValueInfo(sub(in)));
                default -> in.skipField(tag);
            }
        }
        return new Graph(name, nodes, initializers, inputs, outputs);
    }

    private static Node readNode(CodedInputStream in) throws IOException {
        String name = "";
        String opType = "";
        String domain = "";
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        List<Attribute> attributes = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> inputs.add(in.readString());
                case 2 -> outputs.add(in.readString());
                case 3 -> name = in.readString();
                case 4 -> opType = in.readString();
                case 5 -> attributes.add(readAttribute(sub(in)));
                case 7 -> domain = in.readString();
                default -> in.skipField(tag);
            }
        }
        if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
            opType = domain + "." + opType; // a custom-domain op never maps onto a layer
        }
        return new Node(name, opType, inputs, outputs, attributes);
    }

    private static Attribute readAttribute(CodedInputStream in) throws IOException {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        byte[] s = null;
        Tensor t = null;
        List<Float> floats = new ArrayList<>();
        List<Long> ints = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            int wire = WireFormat.getTagWireType(tag);
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> name = in.readString();
                case 2 -> f = in.readFloat();
                case 3 -> i = in.readInt64();
                case 4 -> s = in.readByteArray();
                case 5 -> t = readTensor(sub(in));
                case 7 -> readFloats(in, wire, floats);
                case 8 -> readLongs(in, wire, ints);
                case 20 -> type = in.readEnum();
                default -> in.skipField(tag);
            }
        }
        float[] floatArray = new float[floats.size()];
        for (int k = 0; k < floatArray.length; k++) {
            floatArray[k] = floats.get(k);
        }
        return new Attribute(name, type, f, i, s, t, floatArray, ints.stream().mapToLong(Long::longValue).toArray());
    }

    private static Tensor readTensor(CodedInputStream in) throws IOException {
        List<Long> dims = new ArrayList<>();
        int dataType = 0;
        String name = "";
        byte[] raw = null;
        List<Float> floats = new ArrayList<>();
        List<Long> longs = new ArrayList<>();
        List<Double> doubles = new ArrayList<>();
        boolean external = false;
        for (int tag; (tag = in.readTag()) != 0; ) {
            int wire = WireFormat.getTagWireType(tag);
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> readLongs(in, wire, dims);
                case 2 -> dataType = in.readInt32();
                case 4 -> readFloats(in, wire, floats);
                case 5, 7 -> readLongs(in, wire, longs); // int32_data, int64_data
                case 8 -> name = in.readString();
                case 9 -> raw = in.readByteArray();
                case 10 -> readDoubles(in, wire, doubles);
                case 14 -> external = in.readEnum() == 1; // data_location EXTERNAL
                default -> in.skipField(tag);
            }
        }
        if (external) {
            throw new OnnxException("tensor " + name + ": values stored in an external file are not supported; save the model as one file");
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        if (raw == null) {
            raw = switch (dataType) {
                case OnnxGraph.FLOAT -> {
                    ByteBuffer b = ByteBuffer.allocate(floats.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                    floats.forEach(b::putFloat);
                    yield b.array();
                }
                case OnnxGraph.DOUBLE -> {
                    ByteBuffer b = ByteBuffer.allocate(doubles.size() * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                    doubles.forEach(b::putDouble);
                    yield b.array();
                }
                case OnnxGraph.INT64 -> {
                    ByteBuffer b = ByteBuffer.allocate(longs.size() * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                    longs.forEach(b::putLong);
                    yield b.array();
                }
                case OnnxGraph.INT32 -> {
                    ByteBuffer b = ByteBuffer.allocate(longs.size() * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                    longs.forEach(v -> b.putInt((int) (long) v));
                    yield b.array();
                }
                default -> new byte[0];
            };
        }
        Tensor tensor = new Tensor(name, dataType, shape, raw);
        int width = switch (dataType) {
            case OnnxGraph.FLOAT, OnnxGraph.INT32 -> 4;
            case OnnxGraph.DOUBLE, OnnxGraph.INT64 -> 8;
            default -> 0;
        };
        if (width > 0 && raw.length != tensor.length() * width) {
            throw new OnnxException("tensor " + name + ": " + raw.length + " bytes of values for dims " + dims);
        }
        return tensor;
    }

    private static ValueInfo readValueInfo(CodedInputStream in) throws IOException {
        String name = "";
        int elemType = 0;
        List<Object> dims = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> name = in.readString();
                case 2 -> {
                    CodedInputStream type = sub(in);
                    for (int t; (t = type.readTag()) != 0; ) {
                        if (WireFormat.getTagFieldNumber(t) != 1) {
                            type.skipField(t);
                            continue;
                        }
                        CodedInputStream tensor = sub(type);
                        for (int u; (u = tensor.readTag()) != 0; ) {
                            switch (WireFormat.getTagFieldNumber(u)) {
                                case 1 -> elemType = tensor.readInt32();
                                case 2 -> {
                                    CodedInputStream shape = sub(tensor);
                                    for (int v; (v = shape.readTag()) != 0; ) {
                                        if (WireFormat.getTagFieldNumber(v) != 1) {
                                            shape.skipField(v);
                                            continue;
                                        }
                                        CodedInputStream dim = sub(shape);
                                        Object d = "?";
                                        for (int w; (w = dim.readTag()) != 0; ) {
                                            switch (WireFormat.getTagFieldNumber(w)) {
                                                case 1 -> d = dim.readInt64();
                                                case 2 -> d = dim.readString();
                                                default -> dim.skipField(w);
                                            }
                                        }
                                        dims.add(d);
                                    }
                                }
                                default -> tensor.skipField(u);
                            }
                        }
                    }
                }
                default -> in.skipField(tag);
            }
        }
        return new ValueInfo(name, elemType, dims);
    }

    private static void readLongs(CodedInputStream in, int wire, List<Long> out) throws IOException {
        if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int limit = in.pushLimit(in.readRawVarint32());
            while (!in.isAtEnd()) {
                out.add(in.readInt64());
            }
            in.popLimit(limit);
        } else {
            out.add(in.readInt64());
        }
    }

    private static void readFloats(CodedInputStream in, int wire, List<Float> out) throws IOException {
        if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int limit = in.pushLimit(in.readRawVarint32());
            while (!in.isAtEnd()) {
                out.add(in.readFloat());
            }
            in.popLimit(limit);
        } else {
            out.add(in.readFloat());
        }
    }

    private static void readDoubles(CodedInputStream in, int wire, List<Double> out) throws IOException {
        if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int limit = in.pushLimit(in.readRawVarint32());
            while (!in.isAtEnd()) {
                out.add(in.readDouble());
            }
            in.popLimit(limit);
        } else {
            out.add(in.readDouble());
        }
    }

    /** The next length-delimited field as its own stream. */
    private static CodedInputStream sub(CodedInputStream in) throws IOException {
        return stream(in.readByteArray());
    }

    private static CodedInputStream stream(byte[] bytes) {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        in.setSizeLimit(Integer.MAX_VALUE);
        in.setRecursionLimit(64);
        return in;
    }
}
