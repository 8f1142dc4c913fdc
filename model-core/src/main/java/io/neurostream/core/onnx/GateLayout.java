// Maps recurrent weights between neurostream's layout and ONNX's RNN/LSTM inputs W, R and B (gate order, transposes, directions).
package io.neurostream.core.onnx;

import io.neurostream.core.onnx.OnnxGraph.Tensor;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * neurostream keeps a cell as Wx [D, G*H], Wh [H, G*H] and b [G*H], z = x Wx + h Wh + b, with an
 * LSTM's gate blocks in the order i, f, o, g. ONNX wants W [dirs, G*H, D] and R [dirs, G*H, H]
 * (z = x W^T + h R^T + Wb + Rb) with B [dirs, 2*G*H] = [Wb, Rb], the LSTM's blocks in the order
 * i, o, f, c (c is our candidate g). Each ONNX block j holds our block {@code order[j]}; the
 * direction index is 0 for the forward cell and 1 for the backward one. The copies move values
 * only, so export then import gives the same bits.
 */
enum GateLayout {
    RNN(0),
    LSTM(0, 2, 1, 3);

    private final int[] order; // ONNX block j = neurostream block order[j]

    GateLayout(int... order) {
        this.order = order;
    }

    int gates() {
        return order.length;
    }

    /** W [dirs, G*H, D] from each cell's {Wx, Wh, b}. */
    Tensor inputWeights(String name, List<INDArray[]> cells, int elemType) {
        return transposed(name, cells, 0, elemType);
    }

    /** R [dirs, G*H, H] from each cell's {Wx, Wh, b}. */
    Tensor hiddenWeights(String name, List<INDArray[]> cells, int elemType) {
        return transposed(name, cells, 1, elemType);
    }

    /** B [dirs, 2*G*H]: the bias in Wb, zeros in Rb. */
    Tensor biases(String name, List<INDArray[]> cells, int elemType) {
        int width = Math.toIntExact(cells.get(0)[2].length()); // G*H
        int units = width / gates();
        double[] out = new double[cells.size() * 2 * width];
        for (int dir = 0; dir < cells.size(); dir++) {
            double[] b = values(cells.get(dir)[2]);
            for (int j = 0; j < gates(); j++) {
                System.arraycopy(b, order[j] * units, out, dir * 2 * width + j * units, units);
            }
        }
        return tensor(name, out, elemType, cells.size(), 2L * width);
    }

    /** Our [rows, G*H] matrix (Wx or Wh) of direction {@code dir} from ONNX's W or R [dirs, G*H, rows]. */
    double[] matrixFromOnnx(Tensor t, int dir) {
        long[] d = t.dims();
        int width = Math.toIntExact(d[1]);
        int rows = Math.toIntExact(d[2]);
        int units = width / gates();
        double[] in = t.values();
        double[] out = new double[rows * width];
        int base = dir * width * rows;
        for (int j = 0; j < gates(); j++) {
            for (int u = 0; u < units; u++) {
                int onnxRow = base + (j * units + u) * rows;
                int column = order[j] * units + u;
                for (int r = 0; r < rows; r++) {
                    out[r * width + column] = in[onnxRow + r];
                }
            }
        }
        return out;
    }

    /** Our bias [G*H] of direction {@code dir} from ONNX's B [dirs, 2*G*H]: Wb + Rb, or Wb alone when Rb is all zeros (exact bits). */
    double[] biasFromOnnx(Tensor t, int dir) {
        int width = Math.toIntExact(t.dims()[1] / 2);
        int units = width / gates();
        double[] in = t.values();
        int base = dir * 2 * width;
        boolean recurrentBias = false;
        for (int k = 0; k < width; k++) {
            recurrentBias |= in[base + width + k] != 0;
        }
        double[] out = new double[width];
        for (int j = 0; j < gates(); j++) {
            for (int u = 0; u < units; u++) {
                double value = in[base + j * units + u];
                out[order[j] * units + u] = recurrentBias ? value + in[base + width + j * units + u] : value;
            }
        }
        return out;
    }

    private Tensor transposed(String name, List<INDArray[]> cells, int which, int elemType) {
        long[] shape = cells.get(0)[which].shape(); // [rows, G*H]
        int rows = Math.toIntExact(shape[0]);
        int width = Math.toIntExact(shape[1]);
        int units = width / gates();
        double[] out = new double[cells.size() * width * rows];
        for (int dir = 0; dir < cells.size(); dir++) {
            double[] m = values(cells.get(dir)[which]);
            int base = dir * width * rows;
            for (int j = 0; j < gates(); j++) {
                for (int u = 0; u < units; u++) {
                    int column = order[j] * units + u;
                    int onnxRow = base + (j * units + u) * rows;
                    for (int r = 0; r < rows; r++) {
                        out[onnxRow + r] = m[r * width + column];
                    }
                }
            }
        }
        return tensor(name, out, elemType, cells.size(), width, rows);
    }

    private static double[] values(INDArray a) {
        return a.dup('c').data().asDouble();
    }

    private static Tensor tensor(String name, double[] values, int elemType, long... dims) {
        if (elemType == OnnxGraph.DOUBLE) {
            return Tensor.doubles(name, values, dims);
        }
        float[] floats = new float[values.length];
        for (int k = 0; k < values.length; k++) {
            floats[k] = (float) values[k];
        }
        return Tensor.floats(name, floats, dims);
    }
}
