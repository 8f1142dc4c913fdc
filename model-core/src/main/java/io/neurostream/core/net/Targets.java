// Class labels to network targets, and network outputs back to a predicted class.
package io.neurostream.core.net;

import java.nio.FloatBuffer;

/**
 * A network with one output unit is a binary classifier (target = the label, 0 or 1; predicted
 * class = output >= 0.5); with K >= 2 outputs the target is one-hot and the predicted class is
 * the arg-max. The streams app and the offline trainer both go through here.
 */
public final class Targets {
    private Targets() {}

    /** Writes the target row for a label: [label] for one output, else one-hot of width K. */
    public static void fromLabel(int label, int outputs, float[] dst, int offset) {
        if (outputs == 1) {
            dst[offset] = label;
            return;
        }
        for (int k = 0; k < outputs; k++) {
            dst[offset + k] = 0f;
        }
        dst[offset + label] = 1f;
    }

    /** The predicted class of the output row starting at {@code offset}. */
    public static int predictedClass(FloatBuffer out, int offset, int outputs) {
        if (outputs == 1) {
            return out.get(offset) >= 0.5f ? 1 : 0;
        }
        int best = 0;
        float bestValue = out.get(offset);
        for (int k = 1; k < outputs; k++) {
            float v = out.get(offset + k);
            if (v > bestValue) {
                best = k;
                bestValue = v;
            }
        }
        return best;
    }

    /** The probability the network gives to a class: the output itself, or 1 - output for class 0 of a binary net. */
    public static float probability(FloatBuffer out, int offset, int outputs, int cls) {
        if (outputs == 1) {
            float p = out.get(offset);
            return cls == 1 ? p : 1f - p;
        }
        return out.get(offset + cls);
    }
}
