// An ONNX model that cannot be written or read: a layer with no faithful ONNX form, an op with no neurostream layer, a broken file.
package io.neurostream.core.onnx;

/** One line that names the layer, node or tensor at fault and what was seen. */
public final class OnnxException extends RuntimeException {
    public OnnxException(String message) {
        super(message);
    }

    public OnnxException(String message, Throwable cause) {
        super(message, cause);
    }
}
