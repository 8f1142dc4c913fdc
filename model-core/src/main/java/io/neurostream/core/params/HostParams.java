// A network's trainable values and gradients as chunks of Java arrays: what every optimizer loops over.
package io.neurostream.core.params;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * (value, gradient) pairs of {@link Params}' trainable buffers on the Java heap, cut into chunks:
 * one per parameter, or one per row of its last axis (a dense layer's weight matrix [in, out] as
 * {@code in} rows of {@code out}). float32 networks hold {@code float[]} chunks, float64 networks
 * {@code double[]} chunks. The JIT vectorises a loop only when every array in it is read at the
 * same index (with different offsets it cannot rule out that two are the same array), so the
 * kernels and the optimizers loop over chunks, each starting at index 0. Chunks follow the flat
 * buffer's order, so copying across is one bulk copy per chunk. A chunk never mixes weights and
 * biases: weight decay applies chunk by chunk ({@link #decays}).
 */
public final class HostParams {
    private final boolean doubles;
    private final float[][] values;      // float32 chunks, else null
    private final float[][] gradients;
    private final double[][] values64;   // float64 chunks, else null
    private final double[][] gradients64;
    private final int[] offsets;      // chunk -> offset in the flat buffer
    private final int[] lengths;      // chunk -> values in it
    private final boolean[] decays;   // chunk -> holds weights (weight decay applies)
    private final int length;
    private final int longest;        // values in the longest chunk
    private float[] finiteSums;       // as long as the longest chunk, for the float32 finite check

    private HostParams(boolean doubles, List<int[]> chunks, List<Boolean> decay, int length) {
        int n = chunks.size();
        this.doubles = doubles;
        this.values = doubles ? null : new float[n][];
        this.gradients = doubles ? null : new float[n][];
        this.values64 = doubles ? new double[n][] : null;
        this.gradients64 = doubles ? new double[n][] : null;
        this.offsets = new int[n];
        this.lengths = new int[n];
        this.decays = new boolean[n];
        for (int c = 0; c < n; c++) {
            offsets[c] = chunks.get(c)[0];
            lengths[c] = chunks.get(c)[1];
            decays[c] = decay.get(c);
            if (doubles) {
                values64[c] = new double[lengths[c]];
                gradients64[c] = new double[lengths[c]];
            } else {
                values[c] = new float[lengths[c]];
                gradients[c] = new float[lengths[c]];
            }
        }
        this.length = length;
        this.longest = Arrays.stream(lengths).max().orElse(0);
    }

    /**
     * The layout of a network's trainable parameters: with {@code rows}, each parameter of rank 2
     * or more is cut into rows of its last axis; otherwise each parameter is one chunk.
     */
    public static HostParams of(Params params, boolean rows) {
        if (params.dataType() != DataType.FLOAT && params.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("host chunks are float32 or float64, not " + params.dataType());
        }
        List<int[]> chunks = new ArrayList<>();
        List<Boolean> decay = new ArrayList<>();
        for (Params.Entry e : params.entries()) {
            if (e.isState()) {
                continue;
            }
            long[] shape = e.spec().shape();
            int total = Math.toIntExact(e.spec().length());
            int row = rows && shape.length >= 2 ? Math.toIntExact(shape[shape.length - 1]) : total;
            for (int at = 0; at < total; at += row) {
                chunks.add(new int[] {Math.toIntExact(e.offset()) + at, row});
                decay.add(e.spec().role() == ParamSpec.Role.WEIGHT);
            }
        }
        return new HostParams(params.dataType() == DataType.DOUBLE, chunks, decay, Math.toIntExact(params.trainableCount()));
    }

    /** Whether the chunks are float64 ({@link #values64()}) rather than float32 ({@link #values()}). */
    public boolean doubles() {
        return doubles;
    }

    public int chunks() {
        return offsets.length;
    }

    /** Number of trainable values in all chunks. */
    public int length() {
        return length;
    }

    /** float32 value chunks (null for a float64 network). */
    public float[][] values() {
        return values;
    }

    public float[][] gradients() {
        return gradients;
    }

    /** float64 value chunks (null for a float32 network). */
    public double[][] values64() {
        return values64;
    }

    public double[][] gradients64() {
        return gradients64;
    }

    /** Whether chunk {@code c} holds weights (decayed) rather than biases. */
    public boolean decays(int c) {
        return decays[c];
    }

    /** New zeroed float32 chunks of this layout (an optimizer's state). */
    public float[][] zerosLike() {
        float[][] z = new float[lengths.length][];
        for (int c = 0; c < z.length; c++) {
            z[c] = new float[lengths[c]];
        }
        return z;
    }

    /** New zeroed float64 chunks of this layout. */
    public double[][] zerosLike64() {
        double[][] z = new double[lengths.length][];
        for (int c = 0; c < z.length; c++) {
            z[c] = new double[lengths[c]];
        }
        return z;
    }

    public void loadValues(Params params) {
        if (doubles) {
            load(params.values().data().asNioDouble(), values64);
        } else {
            load(params.values().data().asNioFloat(), values);
        }
    }

    public void loadGradients(Params params) {
        if (doubles) {
            load(params.gradients().data().asNioDouble(), gradients64);
        } else {
            load(params.gradients().data().asNioFloat(), gradients);
        }
    }

    public void storeValues(Params params) {
        if (doubles) {
            store(values64, params.values().data().asNioDouble());
        } else {
            store(values, params.values().data().asNioFloat());
        }
    }

    public void storeGradients(Params params) {
        if (doubles) {
            store(gradients64, params.gradients().data().asNioDouble());
        } else {
            store(gradients, params.gradients().data().asNioFloat());
        }
    }

    /** Copies a flat buffer of this layout into chunks. */
    public void load(FloatBuffer flat, float[][] into) {
        for (int c = 0; c < into.length; c++) {
            flat.get(offsets[c], into[c]);
        }
    }

    public void load(DoubleBuffer flat, double[][] into) {
        for (int c = 0; c < into.length; c++) {
            flat.get(offsets[c], into[c]);
        }
    }

    /** Copies chunks of this layout into a flat buffer. */
    public void store(float[][] from, FloatBuffer flat) {
        for (int c = 0; c < from.length; c++) {
            flat.put(offsets[c], from[c]);
        }
    }

    public void store(double[][] from, DoubleBuffer flat) {
        for (int c = 0; c < from.length; c++) {
            flat.put(offsets[c], from[c]);
        }
    }

    public void zeroGradients() {
        for (int c = 0; c < lengths.length; c++) {
            if (doubles) {
                Arrays.fill(gradients64[c], 0.0);
            } else {
                Arrays.fill(gradients[c], 0f);
            }
        }
    }

    /**
     * Whether every gradient is finite (no NaN, no ±∞): a step on any other must not be taken.
     * g − g is 0 for a finite g and NaN otherwise; summed element-wise into a row of sums (a loop
     * the JIT vectorises: ~10 µs for 100,000 values), every sum stays 0 exactly when all values are.
     */
    public boolean gradientsFinite() {
        if (doubles) {
            double[] sums = new double[longest];
            for (double[] g : gradients64) {
                for (int j = 0; j < g.length; j++) {
                    sums[j] += g[j] - g[j];
                }
            }
            return Arrays.stream(sums).allMatch(s -> s == 0.0);
        }
        if (finiteSums == null) {
            finiteSums = new float[longest];
        }
        Arrays.fill(finiteSums, 0f);
        for (float[] g : gradients) {
            addDifferences(g, finiteSums);
        }
        for (float s : finiteSums) {
            if (s != 0f) {
                return false;
            }
        }
        return true;
    }

    /** sums[j] += g[j] − g[j] for every j of g (sums at least as long). */
    private static void addDifferences(float[] g, float[] sums) {
        for (int j = 0; j < g.length; j++) {
            sums[j] += g[j] - g[j];
        }
    }
}
