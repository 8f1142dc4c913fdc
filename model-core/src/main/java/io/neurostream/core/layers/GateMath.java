// Float tanh and sigmoid as straight-line arithmetic, so that Java loops over float[] arrays compile to vector instructions.
package io.neurostream.core.layers;

/**
 * tanh(x) as the rational function that Eigen uses for float (odd degree-13 numerator over
 * even degree-6 denominator, on x clamped to ±7.9053111, where tanh rounds to ±1 in float):
 * within 4e-7 of the exact value everywhere. σ(x) = (1 + tanh(x/2)) / 2. Only multiplications,
 * additions, a division and min/max, so C2 vectorizes a loop of them (ND4J's transform ops
 * and {@link Math#exp} do not vectorize and cost several times more per value); and Java
 * floating point has no contraction, so every value is the same whichever instructions compute it.
 */
final class GateMath {
    /** |x| beyond which tanh rounds to 1 in float. */
    static final float CLAMP = 7.90531110763549805f;
    // the numerator's coefficients, highest power first (P13 multiplies v^13), and the denominator's (Q6: v^6)
    static final float P13 = -2.76076847742355e-16f;
    static final float P11 = 2.00018790482477e-13f;
    static final float P9 = -8.60467152213735e-11f;
    static final float P7 = 5.12229709037114e-08f;
    static final float P5 = 1.48572235717979e-05f;
    static final float P3 = 6.37261928875436e-04f;
    static final float P1 = 4.89352455891786e-03f;
    static final float Q6 = 1.19825839466702e-06f;
    static final float Q4 = 1.18534705686654e-04f;
    static final float Q2 = 2.26843463243900e-03f;
    static final float Q0 = 4.89352518554385e-03f;

    private GateMath() {}

    static float tanh(float x) {
        float v = Math.max(-CLAMP, Math.min(CLAMP, x));
        float v2 = v * v;
        float p = P13;
        p = p * v2 + P11;
        p = p * v2 + P9;
        p = p * v2 + P7;
        p = p * v2 + P5;
        p = p * v2 + P3;
        p = p * v2 + P1;
        float q = Q6;
        q = q * v2 + Q4;
        q = q * v2 + Q2;
        q = q * v2 + Q0;
        return v * p / q;
    }

    static float sigmoid(float x) {
        return 0.5f + 0.5f * tanh(0.5f * x);
    }

    /** a[from..from+n) = σ(a[...]) in place. */
    static void sigmoid(float[] a, int from, int n) {
        for (int k = from; k < from + n; k++) {
            a[k] = sigmoid(a[k]);
        }
    }

    /** a[from..from+n) = tanh(a[...]) in place. */
    static void tanh(float[] a, int from, int n) {
        for (int k = from; k < from + n; k++) {
            a[k] = tanh(a[k]);
        }
    }
}
