// Long short-term memory (Hochreiter and Schmidhuber 1997, with the forget gate of Gers et al. 2000), as in the course's LSTM chapter.
package io.neurostream.core.layers;

import io.neurostream.core.params.Init;
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
 * {@link LstmVectorCell}, with the Vector API on the rows of z in place, and the loops below, over
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
            LstmVectorCell.forward(w, t, units, steps);
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
            LstmVectorCell.backward(this, w, g, t, units, steps, returnsSequences());
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
}
