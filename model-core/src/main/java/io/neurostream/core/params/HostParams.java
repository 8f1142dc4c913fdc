// A float32 network's trainable values and gradients as Java arrays, for loops the JIT vectorises.
package io.neurostream.core.params;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Copies of {@link Params#values()} and {@link Params#gradients()} on the Java heap, cut into
 * chunks: one per parameter, or one per row of its last axis (a dense layer's weight matrix
 * [in, out] as {@code in} rows of {@code out}). The JIT vectorises a loop only when every array in
 * it is read at the same index (with different offsets it cannot rule out that two are the same
 * array), so the kernels and the optimizers loop over chunks, each starting at index 0. Chunks
 * follow the flat buffer's order, so copying across is one bulk copy per chunk. A chunk never
 * mixes weights and biases: weight decay applies chunk by chunk.
 */
public final class HostParams {
    private final float[][] values;
    private final float[][] gradients;
    private final int[] offsets;      // chunk -> offset in the flat buffer
    private final boolean[] decays;   // chunk -> holds weights (weight decay applies)
    private final int length;
    private final float[] finiteScratch; // as long as the longest chunk

    private HostParams(List<int[]> chunks, List<Boolean> decay, int length) {
        this.values = new float[chunks.size()][];
        this.gradients = new float[chunks.size()][];
        this.offsets = new int[chunks.size()];
        this.decays = new boolean[chunks.size()];
        for (int c = 0; c < chunks.size(); c++) {
            offsets[c] = chunks.get(c)[0];
            values[c] = new float[chunks.get(c)[1]];
            gradients[c] = new float[chunks.get(c)[1]];
            decays[c] = decay.get(c);
        }
        this.length = length;
        this.finiteScratch = new float[Arrays.stream(values).mapToInt(v -> v.length).max().orElse(0)];
    }

    /**
     * The layout of a float32 network's trainable parameters: with {@code rows}, each parameter
     * of rank 2 or more is cut into rows of its last axis; otherwise each parameter is one chunk.
     */
    public static HostParams of(Params params, boolean rows) {
        if (params.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("host copies are float32 only, not " + params.dataType());
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
        return new HostParams(chunks, decay, Math.toIntExact(params.trainableCount()));
    }

    public int chunks() {
        return values.length;
    }

    /** Number of trainable values in all chunks. */
    public int length() {
        return length;
    }

    public float[][] values() {
        return values;
    }

    public float[][] gradients() {
        return gradients;
    }

    /** Whether chunk {@code c} holds weights (decayed) rather than biases. */
    public boolean decays(int c) {
        return decays[c];
    }

    /** New zeroed chunks of this layout (an optimizer's state). */
    public float[][] zerosLike() {
        float[][] z = new float[values.length][];
        for (int c = 0; c < z.length; c++) {
            z[c] = new float[values[c].length];
        }
        return z;
    }

    public void loadValues(Params params) {
        load(params.values().data().asNioFloat(), values);
    }

    public void loadGradients(Params params) {
        load(params.gradients().data().asNioFloat(), gradients);
    }

    public void storeValues(Params params) {
        store(values, params.values().data().asNioFloat());
    }

    public void storeGradients(Params params) {
        store(gradients, params.gradients().data().asNioFloat());
    }

    /** Copies a flat buffer of this layout into chunks. */
    public void load(FloatBuffer flat, float[][] into) {
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

    public void zeroGradients() {
        for (float[] g : gradients) {
            Arrays.fill(g, 0f);
        }
    }

    /** Whether every gradient is finite (see {@link FiniteCheck}). */
    public boolean gradientsFinite() {
        Arrays.fill(finiteScratch, 0f);
        for (float[] g : gradients) {
            FiniteCheck.addDifferences(g, finiteScratch);
        }
        return FiniteCheck.allZero(finiteScratch);
    }
}
