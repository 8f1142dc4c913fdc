// The LSTM's float32 cell with the Vector API, on the rows of z and dL/dz in place: same arithmetic, same bits as Lstm's loops.
package io.neurostream.core.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One step of {@link Lstm}'s cell, forward and backward, in the float32 layout of {@link Recurrent}:
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
final class LstmVectorCell {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int I = 0;
    private static final int F = 1;
    private static final int O = 2;
    private static final int G = 3;
    private static final float CLAMP = 7.90531110763549805f;

    private LstmVectorCell() {}

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

    /** {@link GateMath#tanh}, lane by lane: the same operations in the same order. */
    private static FloatVector tanh(FloatVector x) {
        FloatVector v = x.min(CLAMP).max(-CLAMP);
        FloatVector v2 = v.mul(v);
        FloatVector p = v2.mul(-2.76076847742355e-16f).add(2.00018790482477e-13f);
        p = p.mul(v2).add(-8.60467152213735e-11f);
        p = p.mul(v2).add(5.12229709037114e-08f);
        p = p.mul(v2).add(1.48572235717979e-05f);
        p = p.mul(v2).add(6.37261928875436e-04f);
        p = p.mul(v2).add(4.89352455891786e-03f);
        FloatVector q = v2.mul(1.19825839466702e-06f).add(1.18534705686654e-04f);
        q = q.mul(v2).add(2.26843463243900e-03f);
        q = q.mul(v2).add(4.89352518554385e-03f);
        return v.mul(p).div(q);
    }

    /** {@link GateMath#sigmoid}: 0.5 + 0.5 tanh(x / 2). */
    private static FloatVector sigmoid(FloatVector x) {
        return tanh(x.mul(0.5f)).mul(0.5f).add(0.5f);
    }
}
