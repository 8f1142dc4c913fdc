// Writes the OnnxGraph records in the protobuf wire format, with field numbers from onnx.proto.
package io.neurostream.core.onnx;

import com.google.protobuf.CodedOutputStream;
import io.neurostream.core.onnx.OnnxGraph.Attribute;
import io.neurostream.core.onnx.OnnxGraph.Graph;
import io.neurostream.core.onnx.OnnxGraph.Model;
import io.neurostream.core.onnx.OnnxGraph.Node;
import io.neurostream.core.onnx.OnnxGraph.Tensor;
import io.neurostream.core.onnx.OnnxGraph.ValueInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Each message is written to its own buffer and embedded length-delimited in its parent, which
 * is how protobuf nests messages. Repeated scalars are written unpacked (the proto2 default);
 * tensor values go to raw_data.
 */
final class ProtoWriter {
    private ProtoWriter() {}

    static byte[] model(Model m) {
        return message(out -> {
            out.writeInt64(1, m.irVersion());                    // ir_version
            out.writeString(2, m.producerName());                // producer_name
            out.writeString(3, m.producerVersion());             // producer_version
            out.writeByteArray(7, graph(m.graph()));             // graph
            out.writeByteArray(8, message(o -> {                 // opset_import: OperatorSetIdProto
                o.writeString(1, "");                            // domain: the default (ai.onnx)
                o.writeInt64(2, m.opset());                      // version
            }));
            for (Map.Entry<String, String> e : m.metadata().entrySet()) {
                out.writeByteArray(14, message(o -> {            // metadata_props: StringStringEntryProto
                    o.writeString(1, e.getKey());
                    o.writeString(2, e.getValue());
                }));
            }
        });
    }

    private static byte[] graph(Graph g) {
        return message(out -> {
            for (Node n : g.nodes()) {
                out.writeByteArray(1, node(n));                  // node
            }
            out.writeString(2, g.name());                        // name
            for (Tensor t : g.initializers()) {
                out.writeByteArray(5, tensor(t));                // initializer
            }
            for (ValueInfo v : g.inputs()) {
                out.writeByteArray(11, valueInfo(v));            // input
            }
            for (ValueInfo v : g.outputs()) {
                out.writeByteArray(12, valueInfo(v));            // output
            }
        });
    }

    private static byte[] node(Node n) {
        return message(out -> {
            for (String input : n.inputs()) {
                out.writeString(1, input);                       // input
            }
            for (String output : n.outputs()) {
                out.writeString(2, output);                      // output
            }
            out.writeString(3, n.name());                        // name
            out.writeString(4, n.opType());                      // op_type
            for (Attribute a : n.attributes()) {
                out.writeByteArray(5, attribute(a));             // attribute
            }
        });
    }

    private static byte[] attribute(Attribute a) {
        return message(out -> {
            out.writeString(1, a.name());                        // name
            switch (a.type()) {
                case OnnxGraph.ATTR_FLOAT -> out.writeFloat(2, a.f());
                case OnnxGraph.ATTR_INT -> out.writeInt64(3, a.i());
                case OnnxGraph.ATTR_STRING -> out.writeByteArray(4, a.s());
                case OnnxGraph.ATTR_TENSOR -> out.writeByteArray(5, tensor(a.t()));
                case OnnxGraph.ATTR_FLOATS -> {
                    for (float f : a.floats()) {
                        out.writeFloat(7, f);
                    }
                }
                case OnnxGraph.ATTR_INTS -> {
                    for (long i : a.ints()) {
                        out.writeInt64(8, i);
                    }
                }
                default -> throw new IllegalArgumentException("attribute " + a.name() + ": type " + a.type() + " is not written");
            }
            out.writeEnum(20, a.type());                         // type
        });
    }

    private static byte[] tensor(Tensor t) {
        return message(out -> {
            for (long d : t.dims()) {
                out.writeInt64(1, d);                            // dims
            }
            out.writeInt32(2, t.dataType());                     // data_type
            out.writeString(8, t.name());                        // name
            out.writeByteArray(9, t.raw());                      // raw_data
        });
    }

    private static byte[] valueInfo(ValueInfo v) {
        return message(out -> {
            out.writeString(1, v.name());                        // name
            out.writeByteArray(2, message(type ->                // type: TypeProto
                type.writeByteArray(1, message(tensor -> {       // tensor_type: TypeProto.Tensor
                    tensor.writeInt32(1, v.elemType());          // elem_type
                    tensor.writeByteArray(2, message(shape -> {  // shape: TensorShapeProto
                        for (Object d : v.dims()) {
                            shape.writeByteArray(1, message(dim -> {   // dim: Dimension
                                if (d instanceof Long value) {
                                    dim.writeInt64(1, value);          // dim_value
                                } else {
                                    dim.writeString(2, (String) d);    // dim_param
                                }
                            }));
                        }
                    }));
                }))));
        });
    }

    private interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Body body) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            body.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
