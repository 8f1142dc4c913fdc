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
    private static final float CLAMP = 7.90531110763549805f;

    private GateMath() {}

    static float tanh(float x) {
        float v = Math.max(-CLAMP, Math.min(CLAMP, x));
        float v2 = v * v;
        float p = -2.76076847742355e-16f;
        p = p * v2 + 2.00018790482477e-13f;
        p = p * v2 - 8.60467152213735e-11f;
        p = p * v2 + 5.12229709037114e-08f;
        p = p * v2 + 1.48572235717979e-05f;
        p = p * v2 + 6.37261928875436e-04f;
        p = p * v2 + 4.89352455891786e-03f;
        float q = 1.19825839466702e-06f;
        q = q * v2 + 1.18534705686654e-04f;
        q = q * v2 + 2.26843463243900e-03f;
        q = q * v2 + 4.89352518554385e-03f;
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
