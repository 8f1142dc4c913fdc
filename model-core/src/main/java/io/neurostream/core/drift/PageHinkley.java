// The Page-Hinkley test (Page 1954, "Continuous inspection schemes", Biometrika 41) with River's fading factor, on a
// real-valued stream such as a model's per-sample loss.
package io.neurostream.core.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * Accumulates each value's deviation from the running mean of the values since the last detection,
 * <pre>
 *   m_T = alpha m_{T-1} + (x_T - mean_T - delta)       (an increase; a decrease uses + delta and a maximum)
 * </pre>
 * and fires when m_T - min_{t<=T} m_t exceeds {@code threshold} (lambda), once {@code min_instances} values have
 * been seen; then it starts afresh. The change point is estimated, for the report only, by the unfaded one-sided CUSUM
 * g_T = max(0, g_{T-1} + x_T - mean_T - delta) (Page 1954): its last zero before the detection. The values up to it give
 * {@link DriftStatistic#meanBefore()}, those after it {@link DriftStatistic#meanAfter()}. With alpha = 1 that is the
 * last step where m_t reached its minimum; with fading it stays close to the change (m_t's minimum may lie far back).
 * <p>
 * Defaults are River's (river.drift.PageHinkley, 0.21): min_instances 30, delta 0.005, threshold 50,
 * alpha 1 - 0.0001. One default differs: River watches both directions ({@code mode="both"}); here the default is
 * {@code up}, because on a loss only an increase is a model going wrong, and a model that is still learning lowers its
 * loss steadily, which a two-sided test reports as drift. The threshold is in the units of the input: on a stationary
 * stream with standard deviation sigma, the faded sum wanders by about sigma / sqrt(1 - alpha^2) (about 71 sigma at the
 * default alpha) around its drift term -delta / (1 - alpha), so choose threshold well above that for noisy losses.
 */
public final class PageHinkley implements DriftDetector {
    public static final String NAME = "page_hinkley";
    public static final int DEFAULT_MIN_INSTANCES = 30;
    public static final double DEFAULT_DELTA = 0.005;
    public static final double DEFAULT_THRESHOLD = 50.0;
    public static final double DEFAULT_ALPHA = 1 - 0.0001;
    public static final Mode DEFAULT_MODE = Mode.UP;

    static final int KIND = 2;
    static final int VERSION = 1;

    /** Which changes of the mean are reported. */
    public enum Mode {
        UP("up"), DOWN("down"), BOTH("both");

        private final String specName;

        Mode(String specName) {
            this.specName = specName;
        }

        /** The name in a spec: "up", "down" or "both". */
        public String specName() {
            return specName;
        }

        public static List<String> specNames() {
            return List.of(UP.specName, DOWN.specName, BOTH.specName);
        }

        /** The mode with this spec name. */
        public static Mode of(String specName) {
            for (Mode m : values()) {
                if (m.specName.equals(specName)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("page_hinkley mode must be one of " + specNames() + ", got \"" + specName + "\"");
        }
    }

    private final int minInstances;
    private final double delta;
    private final double threshold;
    private final double alpha;
    private final Mode mode;

    // Since the last detection:
    private long n;
    private double mean;
    private double sum;
    private double sumIncrease;     // m_T for an increase
    private double minIncrease;     // its minimum so far
    private double sumDecrease;     // the same for a decrease, with a maximum
    private double maxDecrease;
    private double cusumIncrease;   // g_T for an increase, for the change point
    private long nAtIncreaseStart;  // n and sum at its last zero: the estimated change point
    private double sumAtIncreaseStart;
    private double cusumDecrease;   // the same for a decrease
    private long nAtDecreaseStart;
    private double sumAtDecreaseStart;

    private long updates;
    private long detections;
    private DriftStatistic last;

    /** Page-Hinkley with the defaults. */
    public PageHinkley() {
        this(DEFAULT_MIN_INSTANCES, DEFAULT_DELTA, DEFAULT_THRESHOLD, DEFAULT_ALPHA, DEFAULT_MODE);
    }

    /**
     * @param minInstances values needed (since the last detection) before a detection, >= 1
     * @param delta        magnitude of change tolerated, >= 0, in the units of the input
     * @param threshold    lambda, > 0, in the units of the input
     * @param alpha        fading factor of the cumulative sum, in (0, 1]
     * @param mode         the direction(s) of change reported
     */
    public PageHinkley(int minInstances, double delta, double threshold, double alpha, Mode mode) {
        if (minInstances < 1) {
            throw new IllegalArgumentException("page_hinkley min_instances must be >= 1, got " + minInstances);
        }
        if (!(delta >= 0 && delta < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("page_hinkley delta must be finite and >= 0, got " + delta);
        }
        if (!(threshold > 0 && threshold < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("page_hinkley threshold must be finite and > 0, got " + threshold);
        }
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("page_hinkley alpha must be in (0, 1], got " + alpha);
        }
        this.minInstances = minInstances;
        this.delta = delta;
        this.threshold = threshold;
        this.alpha = alpha;
        this.mode = mode;
        restart();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** @param x a finite value, e.g. a sample's loss */
    @Override
    public boolean update(double x) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("page_hinkley takes finite values, got " + x);
        }
        updates++;
        n++;
        mean += (x - mean) / n;
        sum += x;
        double deviation = x - mean;
        sumIncrease = alpha * sumIncrease + deviation - delta;
        sumDecrease = alpha * sumDecrease + deviation + delta;
        minIncrease = Math.min(minIncrease, sumIncrease);
        maxDecrease = Math.max(maxDecrease, sumDecrease);
        cusumIncrease = Math.max(0.0, cusumIncrease + deviation - delta);
        if (cusumIncrease == 0.0) {
            nAtIncreaseStart = n;
            sumAtIncreaseStart = sum;
        }
        cusumDecrease = Math.max(0.0, cusumDecrease - deviation - delta);
        if (cusumDecrease == 0.0) {
            nAtDecreaseStart = n;
            sumAtDecreaseStart = sum;
        }
        if (n < minInstances) {
            return false;
        }
        double up = mode == Mode.DOWN ? 0.0 : sumIncrease - minIncrease;
        double down = mode == Mode.UP ? 0.0 : maxDecrease - sumDecrease;
        if (!(up > threshold || down > threshold)) {
            return false;
        }
        boolean increase = up >= down;
        long nBefore = increase ? nAtIncreaseStart : nAtDecreaseStart; // >= 1: g_1 = max(0, -delta) = 0
        double sumBefore = increase ? sumAtIncreaseStart : sumAtDecreaseStart;
        if (nBefore == n) { // the CUSUM is at zero now: place the change at this value
            nBefore = n - 1;
            sumBefore = sum - x;
        }
        detections++;
        last = new DriftStatistic(NAME, updates, increase ? up : down, threshold, sumBefore / nBefore, (sum - sumBefore) / (n - nBefore));
        restart();
        return true;
    }

    private void restart() {
        n = 0;
        mean = 0;
        sum = 0;
        sumIncrease = 0;
        minIncrease = Double.POSITIVE_INFINITY;
        sumDecrease = 0;
        maxDecrease = Double.NEGATIVE_INFINITY;
        cusumIncrease = 0;
        nAtIncreaseStart = 0;
        sumAtIncreaseStart = 0;
        cusumDecrease = 0;
        nAtDecreaseStart = 0;
        sumAtDecreaseStart = 0;
    }

    @Override
    public DriftStatistic last() {
        return last;
    }

    @Override
    public long updates() {
        return updates;
    }

    @Override
    public long detections() {
        return detections;
    }

    public int minInstances() {
        return minInstances;
    }

    public double delta() {
        return delta;
    }

    public double threshold() {
        return threshold;
    }

    public double alpha() {
        return alpha;
    }

    public Mode mode() {
        return mode;
    }

    /** Mean of the values since the last detection. */
    public double mean() {
        return mean;
    }

    @Override
    public void write(DataOutput out) throws IOException {
        out.writeByte(KIND);
        out.writeByte(VERSION);
        out.writeInt(minInstances);
        out.writeDouble(delta);
        out.writeDouble(threshold);
        out.writeDouble(alpha);
        out.writeByte(mode.ordinal());
        out.writeLong(updates);
        out.writeLong(detections);
        out.writeLong(n);
        out.writeDouble(mean);
        out.writeDouble(sum);
        out.writeDouble(sumIncrease);
        out.writeDouble(minIncrease);
        out.writeDouble(sumDecrease);
        out.writeDouble(maxDecrease);
        out.writeDouble(cusumIncrease);
        out.writeLong(nAtIncreaseStart);
        out.writeDouble(sumAtIncreaseStart);
        out.writeDouble(cusumDecrease);
        out.writeLong(nAtDecreaseStart);
        out.writeDouble(sumAtDecreaseStart);
        StatisticIo.write(out, last);
    }

    /** The state after the kind and version bytes. */
    static PageHinkley readState(DataInput in) throws IOException {
        PageHinkley p;
        try {
            int minInstances = in.readInt();
            double delta = in.readDouble();
            double threshold = in.readDouble();
            double alpha = in.readDouble();
            int mode = in.readUnsignedByte();
            if (mode >= Mode.values().length) {
                throw new IllegalArgumentException("unknown mode " + mode);
            }
            p = new PageHinkley(minInstances, delta, threshold, alpha, Mode.values()[mode]);
        } catch (IllegalArgumentException e) {
            throw new IOException("page_hinkley state: " + e.getMessage(), e);
        }
        p.updates = in.readLong();
        p.detections = in.readLong();
        p.n = in.readLong();
        p.mean = in.readDouble();
        p.sum = in.readDouble();
        p.sumIncrease = in.readDouble();
        p.minIncrease = in.readDouble();
        p.sumDecrease = in.readDouble();
        p.maxDecrease = in.readDouble();
        p.cusumIncrease = in.readDouble();
        p.nAtIncreaseStart = in.readLong();
        p.sumAtIncreaseStart = in.readDouble();
        p.cusumDecrease = in.readDouble();
        p.nAtDecreaseStart = in.readLong();
        p.sumAtDecreaseStart = in.readDouble();
        if (p.updates < 0 || p.detections < 0 || p.detections > p.updates || p.n < 0 || p.n > p.updates
                || p.nAtIncreaseStart < 0 || p.nAtIncreaseStart > p.n || p.nAtDecreaseStart < 0 || p.nAtDecreaseStart > p.n) {
            throw new IOException("page_hinkley state: inconsistent counters (updates " + p.updates + ", detections " + p.detections
                    + ", since restart " + p.n + ")");
        }
        p.last = StatisticIo.read(in, NAME);
        return p;
    }
}
