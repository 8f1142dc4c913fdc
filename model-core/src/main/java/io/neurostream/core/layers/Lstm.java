// Long short-term memory (Hochreiter and Schmidhuber 1997, with the forget gate of Gers et al. 2000), as in the course's LSTM chapter.
package io.neurostream.core.layers;

import io.neurostream.core.params.Init;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseSubtraction;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.TanhDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The pre-activations z_t [B, 4H] are four gate blocks in the order input i, forget f, output o,
 * candidate g:
 * <pre>
 * i = σ(z_i)   f = σ(z_f)   o = σ(z_o)   g = tanh(z_g)
 * c_t = f ⊙ c_{t-1} + i ⊙ g          h_t = o ⊙ tanh(c_t)
 * </pre>
 * Forward keeps the gate activations in place of z and the cell states c_t; backward recomputes
 * tanh(c_t) (one op, no extra [T*B, H] array), except in float32, where forward keeps it too:
 * <pre>
 * dc = dh ⊙ o ⊙ (1 - tanh²(c_t)) + dcNext     (dcNext: dL/dc_t through c_{t+1}, the dc ⊙ f of step t+1)
 * do = dh ⊙ tanh(c_t)   di = dc ⊙ g   dg = dc ⊙ i   df = dc ⊙ c_{t-1}   dcNext = dc ⊙ f
 * dz = [di, df, do] ⊙ σ(1 - σ) and dg ⊙ (1 - g²)
 * </pre>
 * The cell's arithmetic by data type: float64 (the gradient checks) calls one ND4J op per
 * element-wise product; float32 (training) computes a step's gates and products on the heap
 * (see {@link Recurrent}) with the rational tanh and sigmoid of {@link GateMath}, so a step costs
 * its product and a few loops, and no ND4J op. The float32 cell has two variants that give the same
 * bits, chosen once per JVM with the products' kernel ({@link io.neurostream.core.tensor.Gemm}):
 * {@link VectorCell}, with the Vector API on the rows of z in place, and the loops below, over
 * heap copies of each gate, which C2 vectorizes.
 */
public final class Lstm extends Recurrent {
    private static final int I = 0;
    private static final int F = 1;
    private static final int O = 2;
    private static final int G = 3;

    public Lstm(int steps, int inputSize, int units, boolean returnSequences, boolean reverse, int truncation,
                Init init, DataType dataType) {
        super(steps, inputSize, units, 4, returnSequences, reverse, truncation, init, dataType);
    }

    @Override
    protected String kind() {
        return "lstm";
    }

    @Override
    protected boolean hasCellState() {
        return true;
    }

    /**
     * The forget gate starts open, f ≈ σ(1) = 0.73, so that memory and its gradient survive many
     * steps from the start (Gers et al. 2000; Jozefowicz et al. 2015); other biases start at 0.
     */
    @Override
    public void initializeParams() {
        gateBias(F).assign(1.0);
    }

    @Override
    protected void stepForward(Workspace w, int t, INDArray z, INDArray cPrev, INDArray c, INDArray h) {
        if (w.vectorCell) {
            VectorCell.forward(w, t, units, steps);
            return;
        } else if (w.host) {
            stepForwardHost(w, t);
            return;
        }
        INDArray[] gate = w.zGate[t];                     // [B, H] each
        Nd4j.exec(new Sigmoid(w.zHead[t], w.zHead[t]));   // i, f, o
        Nd4j.exec(new Tanh(gate[G], gate[G]));            // g
        Nd4j.exec(new MulOp(gate[F], cPrev, c));          // f ⊙ c_{t-1}
        INDArray ig = w.scratch;
        Nd4j.exec(new MulOp(gate[I], gate[G], ig));
        c.addi(ig);                                       // c_t
        INDArray tanhC = w.scratch;
        Nd4j.exec(new Tanh(c, tanhC));
        Nd4j.exec(new MulOp(gate[O], tanhC, h));          // h_t
    }

    /**
     * float32: z_t comes from the GEMM's array (which already held the input part) into the heap
     * arrays of its four gates, where the gates, c_t, tanh(c_t) (kept for backward) and h_t are
     * computed by loops over whole [B*H] arrays that C2 vectorizes ({@link GateMath}); h_t goes
     * back to the states array, which the next step's GEMM reads. C2 (JDK 17) vectorizes a loop
     * only when it can tell that no store overlaps a load of a later iteration, so here every loop
     * reads and writes its arrays at the same index (two float[] at different offsets may be one
     * array), and only a loop small enough to unroll: each loop stores one array.
     */
    private void stepForwardHost(Workspace w, int t) {
        int batch = w.batch;
        int n = batch * units;
        int h4 = 4 * units;
        int z0 = t * batch * h4;
        float[][] gate = w.gateHeap[t];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < 4; k++) {
                System.arraycopy(w.zHeap, z0 + b * h4 + k * units, gate[k], b * units, units);
            }
        }
        float[] i = gate[I];
        float[] f = gate[F];
        float[] o = gate[O];
        float[] g = gate[G];
        GateMath.sigmoid(i, 0, n);
        GateMath.sigmoid(f, 0, n);
        GateMath.sigmoid(o, 0, n);
        GateMath.tanh(g, 0, n);
        float[] c = w.cellHeap[t + w.firstH];
        float[] cPrev = w.cellHeap[t + w.firstPrev];
        float[] tc = w.tanhCHeap[t];
        float[] h = w.hHeap;
        // one store per loop: fused into one, the loop is too large for C2 to unroll, and so to vectorize
        for (int j = 0; j < n; j++) {
            c[j] = f[j] * cPrev[j] + i[j] * g[j];
        }
        for (int j = 0; j < n; j++) {
            tc[j] = GateMath.tanh(c[j]);
        }
        for (int j = 0; j < n; j++) {
            h[j] = o[j] * tc[j];
        }
        if (w.outHeap != null) {
            for (int b = 0; b < batch; b++) {
                System.arraycopy(h, b * units, w.outHeap, (b * steps + t) * units, units);
            }
        }
        System.arraycopy(h, 0, w.statesHeap, (t + w.firstH) * n, n);
    }

    @Override
    protected void stepBackward(Workspace w, Gradients g, int t, INDArray dh, INDArray dcNext, INDArray dz) {
        if (w.vectorCell) {
            VectorCell.backward(this, w, g, t, units, steps, returnsSequences());
            return;
        } else if (w.host) {
            stepBackwardHost(w, g, t);
            return;
        }
        INDArray[] gate = w.zGate[t];
        INDArray[] dGate = g.dzGate[t];
        INDArray tanhC = g.scratch;
        Nd4j.exec(new Tanh(w.c[t], tanhC));
        Nd4j.exec(new MulOp(dh, tanhC, dGate[O]));                                 // dL/do
        INDArray dc = g.dc;
        Nd4j.exec(new TanhDerivative(w.c[t], dh.muli(gate[O]), dc));                // dh ⊙ o ⊙ (1 - tanh²(c_t))
        dc.addi(dcNext);
        Nd4j.exec(new MulOp(dc, gate[G], dGate[I]));                               // dL/di
        Nd4j.exec(new MulOp(dc, gate[I], dGate[G]));                               // dL/dg
        Nd4j.exec(new MulOp(dc, w.cPrev[t], dGate[F]));                            // dL/df
        Nd4j.exec(new MulOp(dc, gate[F], dcNext));                                 // dL/dc_{t-1}
        Nd4j.exec(new ScalarReverseSubtraction(w.zHead[t], null, g.scratchHead, 1.0));
        g.scratchHead.muli(w.zHead[t]);                                            // σ'(z) = σ(1 - σ)
        Nd4j.exec(new MulOp(gate[G], gate[G], g.scratchGate[G]));
        g.scratchGate[G].rsubi(1.0);                                               // tanh'(z) = 1 - g²
        dz.muli(g.gateScratch);
    }

    /**
     * float32: the equations above in loops over the heap arrays (every array at the same
     * index, see {@link #stepForwardHost}), reading tanh(c_t) kept by forward and dL/dh_t =
     * dhNext (+ dOut_t with sequences); dz_t goes, row by row, to the array that the GEMMs read.
     */
    private void stepBackwardHost(Workspace w, Gradients g, int t) {
        int batch = w.batch;
        int n = batch * units;
        float[] dh = g.dhHeap;
        System.arraycopy(g.dhNextHeap, 0, dh, 0, n);
        if (returnsSequences()) {
            float[] dOut = g.dOutStepHeap; // step t of dOut [B, T, H] as [B*H]
            for (int b = 0; b < batch; b++) {
                System.arraycopy(g.dOutHeap, (b * steps + t) * units, dOut, b * units, units);
            }
            for (int j = 0; j < n; j++) {
                dh[j] += dOut[j];
            }
        }
        float[][] gate = w.gateHeap[t];
        float[] i = gate[I];
        float[] f = gate[F];
        float[] o = gate[O];
        float[] gg = gate[G];
        float[] cPrev = w.cellHeap[t + w.firstPrev];
        float[] tc = w.tanhCHeap[t];
        float[] dcs = g.dcNextHeap;
        float[] di = g.dzGateHeap[I];
        float[] df = g.dzGateHeap[F];
        float[] dO = g.dzGateHeap[O];
        float[] dg = g.dzGateHeap[G];
        float[] dc = g.dcHeap;
        // one store per loop, as in forward
        for (int j = 0; j < n; j++) {
            float tcj = tc[j];
            dc[j] = dh[j] * o[j] * (1f - tcj * tcj) + dcs[j];
        }
        for (int j = 0; j < n; j++) {
            float oj = o[j];
            dO[j] = dh[j] * tc[j] * (oj * (1f - oj));
        }
        for (int j = 0; j < n; j++) {
            float ij = i[j];
            di[j] = dc[j] * gg[j] * (ij * (1f - ij));
        }
        for (int j = 0; j < n; j++) {
            float gj = gg[j];
            dg[j] = dc[j] * i[j] * (1f - gj * gj);
        }
        for (int j = 0; j < n; j++) {
            float fj = f[j];
            df[j] = dc[j] * cPrev[j] * (fj * (1f - fj));
        }
        for (int j = 0; j < n; j++) {
            dcs[j] = dc[j] * f[j];
        }
        float[][] rows = g.dzRows;
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < 4; k++) {
                System.arraycopy(g.dzGateHeap[k], b * units, rows[b], k * units, units);
            }
        }
        int z0 = t * batch * 4 * units;
        for (int b = 0; b < batch; b++) {
            float[] row = rows[b];
            float[] acc = gradientRowFor(w, g, t, b);
            for (int k = 0; k < acc.length; k++) {
                acc[k] += row[k];
            }
            System.arraycopy(row, 0, g.dzHeap, z0 + b * 4 * units, 4 * units);
        }
    }

    /**
     * The cell's Vector API variant: one step forward and backward, in the float32 layout of {@link Recurrent}:
     * z_t [B, 4H] on the heap, gate blocks i, f, o, g side by side in each row. The loops of
     * {@code Lstm.stepForwardHost} need each gate as its own [B*H] array (C2 vectorizes a loop only when
     * every array is read and written at one index), so they copy the gates out of z and dL/dz back
     * in; here the vectors are explicit, any offset will do, and nothing is copied. The gates' activations
     * go back into z, where backward reads them.
     *
     * <p>Every value is computed by the same operations in the same order as in those loops
     * ({@link GateMath}'s rational tanh and sigmoid; multiplications and additions, no fused
     * multiply-add), and the last H mod L values of a row by {@link GateMath} itself: the two cells
     * give the same bits (LstmFloatPathTest). Loaded only when the JVM has jdk.incubator.vector.
     */
    private static final class VectorCell {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        private static final int L = S.length();

        private VectorCell() {}

        /**
         * z_t's gates in place, c_t, tanh(c_t), and h_t into the states (and the sequence output). Per row, three
         * loops with one tanh each: C2 inlines a tanh of vectors (else each call boxes them) only so many times per method.
         */
        static void forward(Recurrent.Workspace w, int t, int units, int steps) {
            int batch = w.batch;
            int h4 = 4 * units;
            float[] z = w.zHeap;
            for (int b = 0; b < batch; b++) {
                int zr = (t * batch + b) * h4;
                sigmoids(z, zr, 3 * units); // i, f, o
                tanhs(z, zr + 3 * units, units); // g
                cells(w, t, b, units, steps);
            }
        }

        /** a[from..from+n) = σ(a[...]) in place. */
        private static void sigmoids(float[] a, int from, int n) {
            int bound = S.loopBound(n);
            int k = 0;
            for (; k < bound; k += L) {
                sigmoid(FloatVector.fromArray(S, a, from + k)).intoArray(a, from + k);
            }
            for (; k < n; k++) {
                a[from + k] = GateMath.sigmoid(a[from + k]);
            }
        }

        /** a[from..from+n) = tanh(a[...]) in place. */
        private static void tanhs(float[] a, int from, int n) {
            int bound = S.loopBound(n);
            int k = 0;
            for (; k < bound; k += L) {
                tanh(FloatVector.fromArray(S, a, from + k)).intoArray(a, from + k);
            }
            for (; k < n; k++) {
                a[from + k] = GateMath.tanh(a[from + k]);
            }
        }

        /** Sample b's c_t = f ⊙ c_{t-1} + i ⊙ g, tanh(c_t) and h_t = o ⊙ tanh(c_t), from its row of activations. */
        private static void cells(Recurrent.Workspace w, int t, int b, int units, int steps) {
            float[] z = w.zHeap;
            float[] cPrev = w.cellHeap[t + w.firstPrev];
            float[] c = w.cellHeap[t + w.firstH];
            float[] tc = w.tanhCHeap[t];
            float[] states = w.statesHeap;
            float[] out = w.outHeap;
            int zr = (t * w.batch + b) * 4 * units;
            int cr = b * units;
            int hr = (t + w.firstH) * w.batch * units + cr;
            int or = (b * steps + t) * units;
            int bound = S.loopBound(units);
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector i = FloatVector.fromArray(S, z, zr + j);
                FloatVector f = FloatVector.fromArray(S, z, zr + units + j);
                FloatVector o = FloatVector.fromArray(S, z, zr + 2 * units + j);
                FloatVector g = FloatVector.fromArray(S, z, zr + 3 * units + j);
                FloatVector cv = f.mul(FloatVector.fromArray(S, cPrev, cr + j)).add(i.mul(g));
                cv.intoArray(c, cr + j);
                FloatVector tcv = tanh(cv);
                tcv.intoArray(tc, cr + j);
                FloatVector h = o.mul(tcv);
                h.intoArray(states, hr + j);
                if (out != null) {
                    h.intoArray(out, or + j);
                }
            }
            for (; j < units; j++) {
                float cv = z[zr + units + j] * cPrev[cr + j] + z[zr + j] * z[zr + 3 * units + j];
                c[cr + j] = cv;
                float tcv = GateMath.tanh(cv);
                tc[cr + j] = tcv;
                float h = z[zr + 2 * units + j] * tcv;
                states[hr + j] = h;
                if (out != null) {
                    out[or + j] = h;
                }
            }
        }

        /**
         * dL/dz_t into the dL/dz rows from dL/dh_t (dhNext, + dOut_t with sequences) and the dL/dc
         * carried from step t+1 (replaced by dL/dc_{t-1}); then each row goes to dL/dWx's row of its
         * token (a forward pass on tokens) or to dL/db, in the order of the loops' version.
         */
        static void backward(Recurrent layer, Recurrent.Workspace w, Recurrent.Gradients g, int t, int units, int steps,
                             boolean sequences) {
            int batch = w.batch;
            int h4 = 4 * units;
            float[] z = w.zHeap;
            float[] dz = g.dzHeap;
            float[] cPrev = w.cellHeap[t + w.firstPrev];
            float[] tc = w.tanhCHeap[t];
            float[] dhNext = g.dhNextHeap;
            float[] dOut = sequences ? g.dOutHeap : null;
            float[] dcs = g.dcNextHeap;
            int bound = S.loopBound(units);
            FloatVector one = FloatVector.broadcast(S, 1f);
            for (int b = 0; b < batch; b++) {
                int zr = (t * batch + b) * h4;
                int cr = b * units;
                int or = (b * steps + t) * units;
                int j = 0;
                for (; j < bound; j += L) {
                    FloatVector dh = FloatVector.fromArray(S, dhNext, cr + j);
                    if (dOut != null) {
                        dh = dh.add(FloatVector.fromArray(S, dOut, or + j));
                    }
                    FloatVector i = FloatVector.fromArray(S, z, zr + j);
                    FloatVector f = FloatVector.fromArray(S, z, zr + units + j);
                    FloatVector o = FloatVector.fromArray(S, z, zr + 2 * units + j);
                    FloatVector gg = FloatVector.fromArray(S, z, zr + 3 * units + j);
                    FloatVector tcv = FloatVector.fromArray(S, tc, cr + j);
                    FloatVector dc = dh.mul(o).mul(one.sub(tcv.mul(tcv))).add(FloatVector.fromArray(S, dcs, cr + j));
                    dh.mul(tcv).mul(o.mul(one.sub(o))).intoArray(dz, zr + 2 * units + j);
                    dc.mul(gg).mul(i.mul(one.sub(i))).intoArray(dz, zr + j);
                    dc.mul(i).mul(one.sub(gg.mul(gg))).intoArray(dz, zr + 3 * units + j);
                    dc.mul(FloatVector.fromArray(S, cPrev, cr + j)).mul(f.mul(one.sub(f))).intoArray(dz, zr + units + j);
                    dc.mul(f).intoArray(dcs, cr + j);
                }
                for (; j < units; j++) {
                    float dh = dhNext[cr + j];
                    if (dOut != null) {
                        dh += dOut[or + j];
                    }
                    float i = z[zr + j];
                    float f = z[zr + units + j];
                    float o = z[zr + 2 * units + j];
                    float gg = z[zr + 3 * units + j];
                    float tcv = tc[cr + j];
                    float dc = dh * o * (1f - tcv * tcv) + dcs[cr + j];
                    dz[zr + 2 * units + j] = dh * tcv * (o * (1f - o));
                    dz[zr + j] = dc * gg * (i * (1f - i));
                    dz[zr + 3 * units + j] = dc * i * (1f - gg * gg);
                    dz[zr + units + j] = dc * cPrev[cr + j] * (f * (1f - f));
                    dcs[cr + j] = dc * f;
                }
                add(layer.gradientRowFor(w, g, t, b), dz, zr, h4);
            }
        }

        /** acc[0..n) += src[from..from+n). */
        private static void add(float[] acc, float[] src, int from, int n) {
            int bound = S.loopBound(n);
            int k = 0;
            for (; k < bound; k += L) {
                FloatVector.fromArray(S, acc, k).add(FloatVector.fromArray(S, src, from + k)).intoArray(acc, k);
            }
            for (; k < n; k++) {
                acc[k] += src[from + k];
            }
        }

        /** {@link GateMath#tanh}, lane by lane: the same coefficients, operations and order. */
        private static FloatVector tanh(FloatVector x) {
            FloatVector v = x.min(GateMath.CLAMP).max(-GateMath.CLAMP);
            FloatVector v2 = v.mul(v);
            FloatVector p = v2.mul(GateMath.P13).add(GateMath.P11);
            p = p.mul(v2).add(GateMath.P9);
            p = p.mul(v2).add(GateMath.P7);
            p = p.mul(v2).add(GateMath.P5);
            p = p.mul(v2).add(GateMath.P3);
            p = p.mul(v2).add(GateMath.P1);
            FloatVector q = v2.mul(GateMath.Q6).add(GateMath.Q4);
            q = q.mul(v2).add(GateMath.Q2);
            q = q.mul(v2).add(GateMath.Q0);
            return v.mul(p).div(q);
        }

        /** {@link GateMath#sigmoid}: 0.5 + 0.5 tanh(x / 2). */
        private static FloatVector sigmoid(FloatVector x) {
            return tanh(x.mul(0.5f)).mul(0.5f).add(0.5f);
        }
    }
}
