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
 * Two variants of the cell's arithmetic, chosen by the data type: float64 (the gradient checks)
 * calls one ND4J op per element-wise product; float32 (training) computes a step's gates and
 * products in vectorized Java loops over heap copies of z, c and tanh(c) (see {@link Recurrent}),
 * with the rational tanh and sigmoid of {@link GateMath}, so a step costs its GEMM and a few
 * loops, and no ND4J op.
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
        if (w.zHeap != null) {
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
     * float32: z_t comes from the GEMM's array into the heap copy of z (plus, on tokens, the
     * gathered input rows), where the gates, c_t,
     * tanh(c_t) (kept for backward) and h_t are computed by loops over float[] arrays that C2
     * vectorizes ({@link GateMath}); h_t goes back to the states array, which the next step's
     * GEMM reads.
     */
    private void stepForwardHost(Workspace w, int t) {
        int batch = w.batch;
        int h4 = 4 * units;
        int z0 = t * batch * h4;
        float[] z = w.zHeap;
        w.zNative.get(z0, z, z0, batch * h4);
        if (w.gathered) {
            addInputRows(w, t, z, z0);
        }
        int cOut = (t + w.firstH) * batch * units;
        int cIn = (t + w.firstPrev) * batch * units;
        int tc0 = t * batch * units;
        float[] cells = w.cellsHeap;
        float[] tc = w.tanhCHeap;
        float[] h = w.hHeap;
        for (int b = 0; b < batch; b++) {
            int zi = z0 + b * h4;
            int zf = zi + F * units;
            int zg = zi + G * units;
            int r = b * units;
            GateMath.sigmoid(z, zi, 3 * units); // i, f, o
            GateMath.tanh(z, zg, units);         // g
            for (int j = 0; j < units; j++) {
                cells[cOut + r + j] = z[zf + j] * cells[cIn + r + j] + z[zi + j] * z[zg + j];
            }
        }
        System.arraycopy(cells, cOut, tc, tc0, batch * units);
        GateMath.tanh(tc, tc0, batch * units);
        for (int b = 0; b < batch; b++) {
            int zo = z0 + b * h4 + O * units;
            int r = b * units;
            for (int j = 0; j < units; j++) {
                h[r + j] = z[zo + j] * tc[tc0 + r + j];
            }
            if (w.outHeap != null) {
                System.arraycopy(h, r, w.outHeap, (b * steps + t) * units, units);
            }
        }
        w.statesNative.put(cOut, h, 0, batch * units);
    }

    @Override
    protected void stepBackward(Workspace w, Gradients g, int t, INDArray dh, INDArray dcNext, INDArray dz) {
        if (w.zHeap != null) {
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
     * float32: the equations above in loops over the heap arrays, reading tanh(c_t) kept by
     * forward and dL/dh_t = dhNext (+ dOut_t with sequences); dz_t goes to the array that the
     * GEMMs read.
     */
    private void stepBackwardHost(Workspace w, Gradients g, int t) {
        int batch = w.batch;
        int h4 = 4 * units;
        int z0 = t * batch * h4;
        int cIn = (t + w.firstPrev) * batch * units;
        int tc0 = t * batch * units;
        float[] z = w.zHeap;
        float[] cells = w.cellsHeap;
        float[] tc = w.tanhCHeap;
        float[] dh = g.dhHeap;
        float[] dcs = g.dcNextHeap;
        float[] dz = g.dzHeap;
        float[] dc = g.cellScratch;
        g.dhNextNative.get(0, dh, 0, batch * units);
        if (returnsSequences()) {
            float[] dOut = g.dOutHeap; // [B, T, H]
            for (int b = 0; b < batch; b++) {
                int r = b * units;
                int o = (b * steps + t) * units;
                for (int j = 0; j < units; j++) {
                    dh[r + j] += dOut[o + j];
                }
            }
        }
        for (int b = 0; b < batch; b++) {
            int zi = z0 + b * h4;
            int zf = zi + F * units;
            int zo = zi + O * units;
            int zg = zi + G * units;
            int di = b * h4;
            int df = di + F * units;
            int dO = di + O * units;
            int dg = di + G * units;
            int r = b * units;
            // one store per loop: C2 vectorizes each
            for (int j = 0; j < units; j++) {
                float tanhC = tc[tc0 + r + j];
                dc[j] = dh[r + j] * z[zo + j] * (1f - tanhC * tanhC) + dcs[r + j];
            }
            for (int j = 0; j < units; j++) {
                float o = z[zo + j];
                dz[dO + j] = dh[r + j] * tc[tc0 + r + j] * (o * (1f - o));
            }
            for (int j = 0; j < units; j++) {
                float i = z[zi + j];
                dz[di + j] = dc[j] * z[zg + j] * (i * (1f - i));
            }
            for (int j = 0; j < units; j++) {
                float gg = z[zg + j];
                dz[dg + j] = dc[j] * z[zi + j] * (1f - gg * gg);
            }
            for (int j = 0; j < units; j++) {
                float f = z[zf + j];
                dz[df + j] = dc[j] * cells[cIn + r + j] * (f * (1f - f));
            }
            for (int j = 0; j < units; j++) {
                dcs[r + j] = dc[j] * z[zf + j];
            }
        }
        if (w.gathered) {
            addInputGradientRows(w, t, dz); // dL/db: their column sums, once after the loop
        } else {
            addBiasGradient(g, dz);
        }
        g.dzNative.put(z0, dz, 0, batch * h4);
    }
}
