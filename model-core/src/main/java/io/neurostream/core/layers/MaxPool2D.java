// Max pooling over NCHW feature maps: each output is the largest value of its window; the gradient goes to that value.
package io.neurostream.core.layers;

import io.neurostream.core.tensor.Buffers;
import io.neurostream.core.tensor.HostCopy;
import io.neurostream.core.tensor.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * out[b, c, i, j] = max_{u, v < window} x[b, c, i*s + u, j*s + v], no padding ("valid"): the
 * output side is floor((n - window) / s) + 1. Two variants, chosen by the data type: float64 (the
 * gradient checks) runs libnd4j's {@code maxpool2d} / {@code maxpool2d_bp} with platform helpers
 * off (on the onednn build oneDNN pooling is 3-9x slower, DESIGN.md §2); float32 (training) loops
 * over heap copies, keeping each output's winning input for backward, which scatters dOut to
 * them: libnd4j's backward searched every window again and cost 3x the copies and the loop. On a
 * tie the first maximum in row-major window order wins.
 */
public final class MaxPool2D implements Layer {
    private final int channels;
    private final int outHeight;
    private final int outWidth;
    private final int window;
    private final int stride;
    private final Buffers buffers;
    private final NativeOp forwardOp;
    private final NativeOp backwardOp;
    private final int height;
    private final int width;
    private final boolean host; // float32: the heap loops
    private INDArray x; // cached input [B, C, H, W]
    private final Map<Long, Heap> heaps = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Heap> eldest) {
            return size() > 4; // training and prediction batch sizes alternate
        }
    };
    private Heap last;                      // float32: the arrays of the last forward pass

    public MaxPool2D(Shape input, int window, int stride, DataType dataType) {
        if (input.rank() != 3) {
            throw new IllegalArgumentException("max_pool2d needs [C, H, W] input, got " + input);
        }
        if (window < 1 || stride < 1 || window > input.dim(1) || window > input.dim(2)) {
            throw new IllegalArgumentException("max_pool2d: window " + window + " and stride " + stride + " do not fit input " + input);
        }
        this.channels = input.dim(0);
        this.height = input.dim(1);
        this.width = input.dim(2);
        this.host = dataType == DataType.FLOAT;
        this.outHeight = (input.dim(1) - window) / stride + 1;
        this.outWidth = (input.dim(2) - window) / stride + 1;
        this.window = window;
        this.stride = stride;
        this.buffers = new Buffers(dataType);
        // kH, kW, sH, sW, pH, pW, dH, dW, same mode, extra (unused by max), data format 0 = NCHW
        long[] args = {window, window, stride, stride, 0, 0, 1, 1, 0, 0, 0};
        this.forwardOp = new NativeOp("maxpool2d", false, args);
        this.backwardOp = new NativeOp("maxpool2d_bp", false, args);
    }

    @Override
    public String describe() {
        return "max_pool2d(" + window + ", s" + stride + " -> " + channels + "x" + outHeight + "x" + outWidth + ")";
    }

    @Override
    public Shape outputShape() {
        return Shape.of(channels, outHeight, outWidth);
    }

    @Override
    public INDArray forward(INDArray input, Pass pass) {
        x = input;
        INDArray out = buffers.get("out", input.size(0), channels, outHeight, outWidth); // [B, C, oH, oW]
        if (!host) {
            forwardOp.input(0, x).output(0, out).run();
            return out;
        }
        int batch = (int) input.size(0);
        int maps = batch * channels;
        Heap h = heaps.computeIfAbsent((long) batch, b -> new Heap(batch));
        last = h;
        float[] xHeap = h.x;
        float[] outHeap = h.out;
        int[] winner = h.winner;
        HostCopy.read(input, xHeap);
        float[] max = h.rowMax;
        for (int m = 0, o = 0; m < maps; m++) {
            int map = m * height * width;
            for (int i = 0; i < outHeight; i++, o += outWidth) {
                // a whole output row at a time, window position by window position: the rows' windows are
                // independent, so the loop over j is not one long chain of dependent selects
                int top = map + i * stride * width;
                for (int j = 0; j < outWidth; j++) {
                    winner[o + j] = top + j * stride;
                    max[j] = xHeap[top + j * stride];
                }
                for (int u = 0; u < window; u++) {
                    for (int v = u == 0 ? 1 : 0; v < window; v++) { // row-major window order: on a tie the first stays
                        int first = top + u * width + v;
                        for (int j = 0; j < outWidth; j++) { // integer selects, no branch (ReLU maps make branches hard to predict)
                            int at = first + j * stride;
                            float value = xHeap[at];
                            int take = -(Float.floatToRawIntBits(max[j] - value) >>> 31); // -1 when value > max, else 0
                            winner[o + j] += (at - winner[o + j]) & take;
                            max[j] = Float.intBitsToFloat(Float.floatToRawIntBits(max[j])
                                    ^ ((Float.floatToRawIntBits(max[j]) ^ Float.floatToRawIntBits(value)) & take));
                        }
                    }
                }
                System.arraycopy(max, 0, outHeap, o, outWidth);
            }
        }
        HostCopy.write(outHeap, out);
        return out;
    }

    @Override
    public INDArray backward(INDArray dOut, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        INDArray dIn = buffers.get("dIn", x.shape()); // [B, C, H, W]
        if (!host) {
            backwardOp.input(0, x).input(1, dOut).output(0, dIn).run();
            return dIn;
        }
        Heap h = last;
        float[] xHeap = h.x;
        float[] outHeap = h.out;
        int[] winner = h.winner;
        HostCopy.read(dOut, outHeap);
        Arrays.fill(xHeap, 0f);
        for (int o = 0; o < outHeap.length; o++) {
            xHeap[winner[o]] += outHeap[o]; // overlapping windows (s < window) may share a winner
        }
        HostCopy.write(xHeap, dIn);
        return dIn;
    }

    /** float32: the heap copies of one batch size. */
    private final class Heap {
        final float[] x;      // the input, then dIn [B*C*H*W]
        final float[] out;    // the output, then dOut [B*C*oH*oW]
        final int[] winner;   // per output, the index in x of its maximum [B*C*oH*oW]
        final float[] rowMax; // one output row's maxima so far [oW]

        Heap(int batch) {
            x = new float[batch * channels * height * width];
            out = new float[batch * channels * outHeight * outWidth];
            winner = new int[out.length];
            rowMax = new float[outWidth];
        }
    }
}
