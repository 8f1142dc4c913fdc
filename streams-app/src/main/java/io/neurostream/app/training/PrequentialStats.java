// Prequential loss and accuracy (Gama, Sebastião & Rodrigues 2013): a fading factor and a sliding window.
package io.neurostream.app.training;

import java.nio.ByteBuffer;

/**
 * Every labelled sample is scored before the model learns from it. Fading: S = l + α S,
 * N = 1 + α N, estimate S / N (α close to 1 remembers ~1/(1-α) samples). Window: the mean of the
 * last W samples. The state is saved with each snapshot so a restored model reports the same
 * figures as one that never stopped.
 */
public final class PrequentialStats {
    private final double alpha;
    private final int window;
    private double fadingLoss;
    private double fadingCorrect;
    private double fadingCount;
    private final float[] windowLoss;
    private final boolean[] windowCorrect;
    private int filled;
    private int next;
    private double windowLossSum;
    private int windowCorrectCount;

    public PrequentialStats(double alpha, int window) {
        this.alpha = alpha;
        this.window = window;
        this.windowLoss = new float[window];
        this.windowCorrect = new boolean[window];
    }

    public void update(double loss, boolean correct) {
        fadingLoss = loss + alpha * fadingLoss;
        fadingCorrect = (correct ? 1 : 0) + alpha * fadingCorrect;
        fadingCount = 1 + alpha * fadingCount;
        if (filled == window) {
            windowLossSum -= windowLoss[next];
            windowCorrectCount -= windowCorrect[next] ? 1 : 0;
        } else {
            filled++;
        }
        windowLoss[next] = (float) loss;
        windowCorrect[next] = correct;
        windowLossSum += windowLoss[next];
        windowCorrectCount += correct ? 1 : 0;
        next = (next + 1) % window;
        if (next == 0) {
            recomputeWindowSum();
        }
    }

    /** Re-adds the window from scratch once per lap, so rounding errors of add/subtract never accumulate. */
    private void recomputeWindowSum() {
        double sum = 0;
        for (int i = 0; i < filled; i++) {
            sum += windowLoss[i];
        }
        windowLossSum = sum;
    }

    public double fadingLoss() {
        return fadingCount == 0 ? Double.NaN : fadingLoss / fadingCount;
    }

    public double fadingAccuracy() {
        return fadingCount == 0 ? Double.NaN : fadingCorrect / fadingCount;
    }

    public double windowLoss() {
        return filled == 0 ? Double.NaN : windowLossSum / filled;
    }

    public double windowAccuracy() {
        return filled == 0 ? Double.NaN : (double) windowCorrectCount / filled;
    }

    public double alpha() {
        return alpha;
    }

    public int window() {
        return window;
    }

    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(8 * 5 + 4 * 3 + window * 5);
        out.putDouble(alpha).putInt(window).putDouble(fadingLoss).putDouble(fadingCorrect).putDouble(fadingCount)
                .putInt(filled).putInt(next).putDouble(windowLossSum);
        for (int i = 0; i < window; i++) {
            out.putFloat(windowLoss[i]).put((byte) (windowCorrect[i] ? 1 : 0));
        }
        return out.array();
    }

    /** Restores saved stats; if α or W changed in the configuration, starts afresh with the new ones. */
    public static PrequentialStats decode(byte[] bytes, double alpha, int window) {
        PrequentialStats s = new PrequentialStats(alpha, window);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (in.getDouble() != alpha || in.getInt() != window) {
            return s;
        }
        s.fadingLoss = in.getDouble();
        s.fadingCorrect = in.getDouble();
        s.fadingCount = in.getDouble();
        s.filled = in.getInt();
        s.next = in.getInt();
        s.windowLossSum = in.getDouble();
        int correct = 0;
        for (int i = 0; i < window; i++) {
            s.windowLoss[i] = in.getFloat();
            s.windowCorrect[i] = in.get() == 1;
            correct += s.windowCorrect[i] && i < s.filled ? 1 : 0;
        }
        s.windowCorrectCount = correct;
        return s;
    }
}
