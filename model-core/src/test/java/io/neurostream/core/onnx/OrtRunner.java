// Runs an ONNX model in ONNX Runtime for Java on one batch: the independent reference for the exporter's tests.
package io.neurostream.core.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

final class OrtRunner {
    private OrtRunner() {}

    /** The model's output for {@code input} [B, ...]; token models get it as int64, others in its own data type. */
    static INDArray run(byte[] model, INDArray input, boolean tokens) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, options);
                 OnnxTensor in = tensor(env, input, tokens);
                 OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, in))) {
                OnnxTensor out = (OnnxTensor) result.get(0);
                long[] shape = out.getInfo().getShape();
                if (input.dataType() == DataType.DOUBLE && !tokens) {
                    DoubleBuffer values = out.getDoubleBuffer();
                    double[] copy = new double[values.remaining()];
                    values.get(copy);
                    return Nd4j.create(copy, shape, 'c');
                }
                FloatBuffer values = out.getFloatBuffer();
                float[] copy = new float[values.remaining()];
                values.get(copy);
                return Nd4j.create(copy, shape, 'c');
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime: " + e.getMessage(), e);
        }
    }

    private static OnnxTensor tensor(OrtEnvironment env, INDArray input, boolean tokens) throws OrtException {
        long[] shape = input.shape();
        if (tokens) {
            double[] v = input.dup('c').data().asDouble();
            long[] ids = new long[v.length];
            for (int k = 0; k < v.length; k++) {
                ids[k] = (long) v[k];
            }
            return OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
        }
        if (input.dataType() == DataType.DOUBLE) {
            return OnnxTensor.createTensor(env, DoubleBuffer.wrap(input.dup('c').data().asDouble()), shape);
        }
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(input.dup('c').data().asFloat()), shape);
    }
}
