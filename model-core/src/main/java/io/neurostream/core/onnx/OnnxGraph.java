// The subset of the ONNX IR (onnx.proto, proto2) that neurostream writes and reads, as plain records.
package io.neurostream.core.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * Records mirroring the onnx.proto messages ModelProto, GraphProto, NodeProto, AttributeProto,
 * TensorProto and ValueInfoProto, with only the fields neurostream uses; {@link ProtoWriter} and
 * {@link ProtoReader} carry them to and from the protobuf wire format. Tensor values are kept as
 * little-endian raw bytes, as in TensorProto.raw_data, so float bits survive a round trip.
 */
final class OnnxGraph {
    /** IR version 8 (ONNX 1.10+), which every ONNX Runtime since 1.10 reads. */
    static final long IR_VERSION = 8;
    /** The default-domain operator set the exporter pins. */
    static final long OPSET = 17;

    // TensorProto.DataType
    static final int FLOAT = 1;
    static final int INT32 = 6;
    static final int INT64 = 7;
    static final int DOUBLE = 11;

    // AttributeProto.AttributeType
    static final int ATTR_FLOAT = 1;
    static final int ATTR_INT = 2;
    static final int ATTR_STRING = 3;
    static final int ATTR_TENSOR = 4;
    static final int ATTR_FLOATS = 6;
    static final int ATTR_INTS = 7;

    private OnnxGraph() {}

    /** ModelProto: the default-domain opset, producer, graph and string metadata. */
    record Model(long irVersion, long opset, String producerName, String producerVersion, Graph graph, Map<String, String> metadata) {}

    /** GraphProto: nodes in topological order, initializers, inputs and outputs. */
    record Graph(String name, List<Node> nodes, List<Tensor> initializers, List<ValueInfo> inputs, List<ValueInfo> outputs) {}

    /** NodeProto; an empty output name marks an optional output left out. */
    record Node(String name, String opType, List<String> inputs, List<String> outputs, List<Attribute> attributes) {

        Attribute attribute(String attributeName) {
            return attributes.stream().filter(a -> a.name().equals(attributeName)).findFirst().orElse(null);
        }

        long intAttribute(String attributeName, long absent) {
            Attribute a = attribute(attributeName);
            return a == null ? absent : a.i();
        }

        float floatAttribute(String attributeName, float absent) {
            Attribute a = attribute(attributeName);
            return a == null ? absent : a.f();
        }

        long[] intsAttribute(String attributeName, long[] absent) {
            Attribute a = attribute(attributeName);
            return a == null ? absent : a.ints();
        }

        String stringAttribute(String attributeName, String absent) {
            Attribute a = attribute(attributeName);
            return a == null ? absent : new String(a.s(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** AttributeProto: one of f, i, s, t, floats, ints according to type. */
    record Attribute(String name, int type, float f, long i, byte[] s, Tensor t, float[] floats, long[] ints) {
        static Attribute of(String name, long value) {
            return new Attribute(name, ATTR_INT, 0, value, null, null, null, null);
        }

        static Attribute of(String name, float value) {
            return new Attribute(name, ATTR_FLOAT, value, 0, null, null, null, null);
        }

        static Attribute of(String name, String value) {
            return new Attribute(name, ATTR_STRING, 0, 0, value.getBytes(java.nio.charset.StandardCharsets.UTF_8), null, null, null);
        }

        static Attribute ints(String name, long... values) {
            return new Attribute(name, ATTR_INTS, 0, 0, null, null, null, values);
        }

        static Attribute tensor(String name, Tensor value) {
            return new Attribute(name, ATTR_TENSOR, 0, 0, null, value, null, null);
        }
    }

    /** TensorProto with its values as little-endian raw bytes. */
    record Tensor(String name, int dataType, long[] dims, byte[] raw) {

        static Tensor floats(String name, float[] values, long... dims) {
            ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            return new Tensor(name, FLOAT, dims, b.array());
        }

        static Tensor doubles(String name, double[] values, long... dims) {
            ByteBuffer b = ByteBuffer.allocate(values.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            b.asDoubleBuffer().put(values);
            return new Tensor(name, DOUBLE, dims, b.array());
        }

        static Tensor longs(String name, long[] values, long... dims) {
            ByteBuffer b = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            b.asLongBuffer().put(values);
            return new Tensor(name, INT64, dims, b.array());
        }

        long length() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }

        /** Values as doubles (exact for float32, float64 and int64 up to 2^53). */
        double[] values() {
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            int n = Math.toIntExact(length());
            double[] out = new double[n];
            switch (dataType) {
                case FLOAT -> {
                    for (int k = 0; k < n; k++) {
                        out[k] = b.getFloat();
                    }
                }
                case DOUBLE -> b.asDoubleBuffer().get(out);
                case INT64 -> {
                    for (int k = 0; k < n; k++) {
                        out[k] = b.getLong();
                    }
                }
                case INT32 -> {
                    for (int k = 0; k < n; k++) {
                        out[k] = b.getInt();
                    }
                }
                default -> throw new OnnxException("tensor " + name + ": data type " + dataType + " is not float, double, int32 or int64");
            }
            return out;
        }

        /** Integer values (int64 or int32 tensors: shapes, axes). */
        long[] longValues() {
            double[] v = values();
            long[] out = new long[v.length];
            for (int k = 0; k < v.length; k++) {
                out[k] = (long) v[k];
            }
            return out;
        }
    }

    /** ValueInfoProto of a tensor: element type and dims, each a Long (dim_value) or a String (dim_param). */
    record ValueInfo(String name, int elemType, List<Object> dims) {}
}
