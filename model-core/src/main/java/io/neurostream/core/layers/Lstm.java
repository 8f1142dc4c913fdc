// Long short-term memory (Hochreiter and Schmidhuber 1997, with the forget gate of Gers et al. 2000), as in the course's LSTM chapter.
package io.neurostream.core.layers;

import io.neurostream.core.params.Init;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseSubtraction;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.TanhDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

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
 * calls one ND4J op per element-wise product; float32 (training) computes the products of a
 * step in one loop over the arrays' buffers, so a step costs its GEMM, a sigmoid and a tanh op
 * and two loops forward, and one loop backward, whatever the number of products.
 */
public final class Lstm extends Recurrent {
    private static final int I = 0;
    private static final int F = 1;
    private static final int O = 2;
    private static final int G = 3;
    private INDArray[] doubled;  // float32 forward: Wx, Wh, b with the g block times 2
    private INDArray[] doubledG; // their g blocks

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
        if (w.zHost != null) {
            stepForwardHost(w, t, c);
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
     * float32: forward multiplies with copies of the parameters whose g block is doubled
     * ({@link #forwardParams}; times 2 is exact), so one sigmoid over the whole contiguous z_t
     * gives i, f, o and σ(2 z_g), and g = tanh(z_g) = 2 σ(2 z_g) - 1. Then c_t and h_t in two
     * loops over the buffers; tanh(c_t) stays in the workspace, where backward reads it.
     */
    private void stepForwardHost(Workspace w, int t, INDArray c) {
        Nd4j.exec(new Sigmoid(w.zStep[t], w.zStep[t]));
        int batch = w.batch;
        int h4 = 4 * units;
        int z0 = t * batch * h4;
        int cOut = (t + w.firstH) * batch * units;
        int cIn = (t + w.firstPrev) * batch * units;
        FloatBuffer z = w.zHost;
        FloatBuffer cells = w.cellsHost;
        for (int b = 0; b < batch; b++) {
            int zr = z0 + b * h4;
            int r = b * units;
            for (int j = 0; j < units; j++) {
                float g = 2f * z.get(zr + G * units + j) - 1f;
                z.put(zr + G * units + j, g);
                cells.put(cOut + r + j, z.get(zr + F * units + j) * cells.get(cIn + r + j) + z.get(zr + I * units + j) * g);
            }
        }
        Nd4j.exec(new Tanh(c, w.tanhCStep[t]));
        FloatBuffer tc = w.tanhCHost;
        FloatBuffer states = w.statesHost;
        int tc0 = t * batch * units;
        for (int b = 0; b < batch; b++) {
            int zr = z0 + b * h4 + O * units;
            int r = b * units;
            for (int j = 0; j < units; j++) {
                states.put(cOut + r + j, z.get(zr + j) * tc.get(tc0 + r + j));
            }
        }
    }

    /** float32: the parameters with the g block of Wx, Wh and b doubled, copied at each forward pass. */
    @Override
    protected INDArray[] forwardParams(INDArray wx, INDArray wh, INDArray b) {
        if (dataType != DataType.FLOAT) {
            return super.forwardParams(wx, wh, b);
        }
        if (doubled == null) {
            doubled = new INDArray[] {wx.dup('c'), wh.dup('c'), b.dup('c')};
            doubledG = new INDArray[] {gColumns(doubled[0]), gColumns(doubled[1]),
                    doubled[2].get(NDArrayIndex.interval((long) G * units, (long) (G + 1) * units))};
        }
        doubled[0].assign(wx);
        doubled[1].assign(wh);
        doubled[2].assign(b);
        for (INDArray g : doubledG) {
            g.muli(2.0);
        }
        return doubled;
    }

    private INDArray gColumns(INDArray a) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.interval((long) G * units, (long) (G + 1) * units));
    }

    @Override
    protected void stepBackward(Workspace w, Gradients g, int t, INDArray dh, INDArray dcNext, INDArray dz) {
        if (w.zHost != null) {
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
     * float32: the equations above in one loop over the buffers, reading tanh(c_t) kept by forward
     * and dL/dh_t = dhNext (+ dOut_t with sequences) itself.
     */
    private void stepBackwardHost(Workspace w, Gradients g, int t) {
        int batch = w.batch;
        int h4 = 4 * units;
        int z0 = t * batch * h4;
        int cIn = (t + w.firstPrev) * batch * units;
        int tc0 = t * batch * units;
        FloatBuffer z = w.zHost;
        FloatBuffer cells = w.cellsHost;
        FloatBuffer tc = w.tanhCHost;
        FloatBuffer dhNext = g.dhNextHost;
        FloatBuffer dOut = returnsSequences() ? g.dOutTimeHost : null;
        FloatBuffer dcs = g.dcNextHost;
        FloatBuffer dz = g.dzHost;
        for (int b = 0; b < batch; b++) {
            int zr = z0 + b * h4;
            int r = b * units;
            for (int j = 0; j < units; j++) {
                int zi = zr + j;
                float i = z.get(zi + I * units);
                float f = z.get(zi + F * units);
                float o = z.get(zi + O * units);
                float gg = z.get(zi + G * units);
                float tanhC = tc.get(tc0 + r + j);
                float dh = dOut == null ? dhNext.get(r + j) : dOut.get(tc0 + r + j) + dhNext.get(r + j);
                float dc = dh * o * (1f - tanhC * tanhC) + dcs.get(r + j);
                dcs.put(r + j, dc * f);
                dz.put(zi + I * units, dc * gg * (i * (1f - i)));
                dz.put(zi + F * units, dc * cells.get(cIn + r + j) * (f * (1f - f)));
                dz.put(zi + O * units, dh * tanhC * (o * (1f - o)));
                dz.put(zi + G * units, dc * i * (1f - gg * gg));
            }
        }
    }
}
