// ADWIN2, adaptive windowing with an exponential histogram (Bifet & Gavalda 2007, "Learning from Time-Changing Data with
// Adaptive Windowing", SDM 2007), as implemented in MOA (ADWIN.java) and River (river.drift.ADWIN).
package io.neurostream.core.drift;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Keeps a window of recent values in [0, 1] (here: a classifier's 0/1 prequential error) and drops its older part when
 * the means of an older sub-window W0 and the newer rest W1 differ by more than
 * <pre>
 *   epsilon_cut = sqrt(2 m sigma_W^2 delta') + 2/3 delta' m,
 *   m = 1/(n0 - L + 1) + 1/(n1 - L + 1),   delta' = ln(2 ln(|W|) / delta)
 * </pre>
 * (sigma_W^2 the window's variance, L the minimum sub-window length). That is a detection. The window is stored as
 * ADWIN2's exponential histogram: row r holds at most {@code max_buckets} buckets of 2^r values (their total and
 * the sum of squared deviations from their mean); one more and the two oldest merge into row r + 1. Memory and the
 * time of a check are O(max_buckets * log |W|). Cuts are tried only at bucket borders, every {@code clock} values once
 * the window holds more than {@code grace_period} of them.
 * <p>
 * Defaults are River's (river.drift.ADWIN, 0.21): delta 0.002 (MOA's default too), clock 32, max_buckets 5,
 * min_window_length 5, grace_period 10. Like River, sub-windows need at least {@code min_window_length} values
 * (MOA asks for more than min_window_length + 1).
 * <p>
 * The paper's guarantee (Theorem 3.1): while the mean stays constant inside the window, a check shrinks it with
 * probability at most delta. So over a stationary stream of N values at most N / clock checks run, and the expected
 * number of false alarms is bounded by delta * N / clock (6.25 for 100,000 values at the defaults).
 */
public final class Adwin implements DriftDetector {
    public static final String NAME = "adwin";
    public static final double DEFAULT_DELTA = 0.002;
    public static final int DEFAULT_CLOCK = 32;
    public static final int DEFAULT_MAX_BUCKETS = 5;
    public static final int DEFAULT_MIN_WINDOW_LENGTH = 5;
    public static final int DEFAULT_GRACE_PERIOD = 10;
    /** Upper bound of max_buckets: a row is scanned linearly and copied on every merge. */
    public static final int MAX_MAX_BUCKETS = 1_000;

    static final int KIND = 1;
    static final int VERSION = 1;
    /** Row r holds buckets of 2^r values; the width is a long. */
    private static final int MAX_ROWS = 62;

    private final double delta;
    private final int clock;
    private final int maxBuckets;
    private final int minWindowLength;
    private final int gracePeriod;

    // The exponential histogram: row r has bucketCount[r] buckets of 2^r values, oldest first.
    private double[][] bucketTotal = new double[0][];    // [rows][maxBuckets + 1]: sum of the bucket's values
    private double[][] bucketVariance = new double[0][]; // [rows][maxBuckets + 1]: sum of squared deviations from the bucket's mean
    private int[] bucketCount = new int[0];              // [rows]
    private int rows;

    private long width;      // values in the window
    private double total;    // their sum
    private double variance; // their sum of squared deviations from the window's mean
    private long updates;
    private long detections;
    private DriftStatistic last;

    /** ADWIN with the defaults (River's and MOA's). */
    public Adwin() {
        this(DEFAULT_DELTA, DEFAULT_CLOCK, DEFAULT_MAX_BUCKETS, DEFAULT_MIN_WINDOW_LENGTH, DEFAULT_GRACE_PERIOD);
    }

    /**
     * @param delta           confidence, in (0, 1): the bound on a false alarm's probability per check
     * @param clock           check every this many values, >= 1
     * @param maxBuckets      buckets per histogram row before the two oldest merge, in [2, {@link #MAX_MAX_BUCKETS}]
     * @param minWindowLength values each sub-window needs before a cut, >= 1
     * @param gracePeriod     values the window needs before the first check, >= 0
     */
    public Adwin(double delta, int clock, int maxBuckets, int minWindowLength, int gracePeriod) {
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("adwin delta must be in (0, 1), got " + delta);
        }
        if (clock < 1) {
            throw new IllegalArgumentException("adwin clock must be >= 1, got " + clock);
        }
        if (maxBuckets < 2 || maxBuckets > MAX_MAX_BUCKETS) {
            throw new IllegalArgumentException("adwin max_buckets must be in [2, " + MAX_MAX_BUCKETS + "], got " + maxBuckets);
        }
        if (minWindowLength < 1) {
            throw new IllegalArgumentException("adwin min_window_length must be >= 1, got " + minWindowLength);
        }
        if (gracePeriod < 0) {
            throw new IllegalArgumentException("adwin grace_period must be >= 0, got " + gracePeriod);
        }
        this.delta = delta;
        this.clock = clock;
        this.maxBuckets = maxBuckets;
        this.minWindowLength = minWindowLength;
        this.gracePeriod = gracePeriod;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** @param x a value in [0, 1], e.g. 1 for a wrong prediction and 0 for a right one */
    @Override
    public boolean update(double x) {
        if (!(x >= 0 && x <= 1)) {
            throw new IllegalArgumentException("adwin takes values in [0, 1], got " + x);
        }
        updates++;
        width++;
        if (width > 1) {
            double d = x - total / (width - 1);
            variance += (width - 1) * d * d / width;
        }
        total += x;
        append(0, x, 0.0);
        compress();
        return updates % clock == 0 && width > gracePeriod && shrink();
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

    /** Values in the window. */
    public long width() {
        return width;
    }

    /** Mean of the window (0 when empty): the current error rate estimate. */
    public double mean() {
        return width == 0 ? 0.0 : total / width;
    }

    public double delta() {
        return delta;
    }

    public int clock() {
        return clock;
    }

    public int maxBuckets() {
        return maxBuckets;
    }

    public int minWindowLength() {
        return minWindowLength;
    }

    public int gracePeriod() {
        return gracePeriod;
    }

    /** Merges the two oldest buckets of every full row into the next row, from row 0 up. */
    private void compress() {
        for (int r = 0; r < rows && bucketCount[r] == maxBuckets + 1; r++) {
            double n = bucketSize(r);
            double t0 = bucketTotal[r][0];
            double t1 = bucketTotal[r][1];
            double meanGap = t0 / n - t1 / n;
            double mergedVariance = bucketVariance[r][0] + bucketVariance[r][1] + n * n * meanGap * meanGap / (n + n);
            append(r + 1, t0 + t1, mergedVariance);
            removeOldest(r, 2);
        }
    }

    /**
     * Tries every cut from the oldest bucket border to the newest; on the first that passes the test, drops the oldest
     * bucket and starts again, until no cut passes. True when the window shrank.
     */
    private boolean shrink() {
        DriftStatistic detection = null;
        boolean again = true;
        while (again) {
            again = false;
            // StrictMath: Math.log may differ by an ulp between JVMs and processors, and a detection must not
            double deltaPrime = StrictMath.log(2 * StrictMath.log(width) / delta);
            double windowVariance = Math.max(0.0, variance / width);
            double n0 = 0;
            double n1 = width;
            double u0 = 0;
            double u1 = total;
            scan:
            for (int r = rows - 1; r >= 0; r--) {
                double n2 = bucketSize(r);
                for (int k = 0; k < bucketCount[r]; k++) {
                    double u2 = bucketTotal[r][k];
                    n0 += n2;
                    n1 -= n2;
                    u0 += u2;
                    u1 -= u2;
                    if (r == 0 && k == bucketCount[0] - 1) {
                        break scan; // W1 would be empty
                    }
                    if (n0 >= minWindowLength && n1 >= minWindowLength
                            && Math.abs(u0 / n0 - u1 / n1) > epsilonCut(n0, n1, windowVariance, deltaPrime)) {
                        if (detection == null) {
                            detection = mostSignificantCut(windowVariance, deltaPrime);
                        }
                        again = true;
                        dropOldestBucket();
                        break scan;
                    }
                }
            }
        }
        if (detection == null) {
            return false;
        }
        detections++;
        last = detection;
        return true;
    }

    private double epsilonCut(double n0, double n1, double windowVariance, double deltaPrime) {
        double m = 1.0 / (n0 - minWindowLength + 1) + 1.0 / (n1 - minWindowLength + 1);
        return Math.sqrt(2 * m * windowVariance * deltaPrime) + 2.0 / 3.0 * deltaPrime * m;
    }

    /**
     * For the report only (the detection itself is ADWIN's): the cut, over the window before it shrinks, where the gap
     * between the sub-windows' means exceeds epsilon_cut by the most, our estimate of where the change happened.
     */
    private DriftStatistic mostSignificantCut(double windowVariance, double deltaPrime) {
        DriftStatistic best = null;
        double bestMargin = Double.NEGATIVE_INFINITY;
        double n0 = 0;
        double n1 = width;
        double u0 = 0;
        double u1 = total;
        for (int r = rows - 1; r >= 0; r--) {
            double n2 = bucketSize(r);
            for (int k = 0; k < bucketCount[r] && !(r == 0 && k == bucketCount[0] - 1); k++) {
                n0 += n2;
                n1 -= n2;
                u0 += bucketTotal[r][k];
                u1 -= bucketTotal[r][k];
                if (n0 < minWindowLength || n1 < minWindowLength) {
                    continue;
                }
                double gap = Math.abs(u0 / n0 - u1 / n1);
                double epsilon = epsilonCut(n0, n1, windowVariance, deltaPrime);
                if (gap - epsilon > bestMargin) {
                    bestMargin = gap - epsilon;
                    best = new DriftStatistic(NAME, updates, gap, epsilon, u0 / n0, u1 / n1);
                }
            }
        }
        return best;
    }

    /** Removes the window's oldest bucket (the first of the last row) and takes it out of the window's figures. */
    private void dropOldestBucket() {
        int r = rows - 1;
        double n = bucketSize(r);
        double u = bucketTotal[r][0];
        double v = bucketVariance[r][0];
        width -= (long) n;
        total -= u;
        double gap = u / n - total / width;
        variance = Math.max(0.0, variance - (v + n * width * gap * gap / (n + width)));
        removeOldest(r, 1);
        if (bucketCount[r] == 0) {
            rows--;
        }
    }

    private void append(int r, double bucketSum, double bucketVar) {
        if (r == rows) {
            if (rows == MAX_ROWS) {
                throw new IllegalStateException("adwin window exceeds 2^" + MAX_ROWS + " values");
            }
            if (rows == bucketCount.length) {
                int capacity = Math.max(8, rows * 2);
                bucketTotal = Arrays.copyOf(bucketTotal, capacity);
                bucketVariance = Arrays.copyOf(bucketVariance, capacity);
                bucketCount = Arrays.copyOf(bucketCount, capacity);
            }
            if (bucketTotal[rows] == null) {
                bucketTotal[rows] = new double[maxBuckets + 1];
                bucketVariance[rows] = new double[maxBuckets + 1];
            }
            bucketCount[rows] = 0;
            rows++;
        }
        int k = bucketCount[r]++;
        bucketTotal[r][k] = bucketSum;
        bucketVariance[r][k] = bucketVar;
    }

    private void removeOldest(int r, int n) {
        int left = bucketCount[r] - n;
        System.arraycopy(bucketTotal[r], n, bucketTotal[r], 0, left);
        System.arraycopy(bucketVariance[r], n, bucketVariance[r], 0, left);
        bucketCount[r] = left;
    }

    private static double bucketSize(int r) {
        return (double) (1L << r);
    }

    @Override
    public void write(DataOutput out) throws IOException {
        out.writeByte(KIND);
        out.writeByte(VERSION);
        out.writeDouble(delta);
        out.writeInt(clock);
        out.writeInt(maxBuckets);
        out.writeInt(minWindowLength);
        out.writeInt(gracePeriod);
        out.writeLong(updates);
        out.writeLong(detections);
        out.writeLong(width);
        out.writeDouble(total);
        out.writeDouble(variance);
        out.writeInt(rows);
        for (int r = 0; r < rows; r++) {
            out.writeInt(bucketCount[r]);
            for (int k = 0; k < bucketCount[r]; k++) {
                out.writeDouble(bucketTotal[r][k]);
                out.writeDouble(bucketVariance[r][k]);
            }
        }
        StatisticIo.write(out, last);
    }

    /** The state after the kind and version bytes; checks the histogram's shape before trusting it. */
    static Adwin readState(DataInput in) throws IOException {
        Adwin a;
        try {
            a = new Adwin(in.readDouble(), in.readInt(), in.readInt(), in.readInt(), in.readInt());
        } catch (IllegalArgumentException e) {
            throw new IOException("adwin state: " + e.getMessage(), e);
        }
        a.updates = in.readLong();
        a.detections = in.readLong();
        long width = in.readLong();
        a.total = in.readDouble();
        a.variance = in.readDouble();
        int rows = in.readInt();
        if (a.updates < 0 || a.detections < 0 || a.detections > a.updates || width < 0 || width > a.updates) {
            throw new IOException("adwin state: inconsistent counters (updates " + a.updates + ", detections " + a.detections + ", width " + width + ")");
        }
        if (rows < 0 || rows > MAX_ROWS) {
            throw new IOException("adwin state: histogram rows must be in [0, " + MAX_ROWS + "], got " + rows);
        }
        for (int r = 0; r < rows; r++) {
            int count = in.readInt();
            if (count < 1 || count > a.maxBuckets) {
                throw new IOException("adwin state: row " + r + " must hold 1 to " + a.maxBuckets + " buckets, got " + count);
            }
            for (int k = 0; k < count; k++) {
                a.append(r, in.readDouble(), in.readDouble());
            }
        }
        a.width = width;
        if (a.histogramWidth() != width) {
            throw new IOException("adwin state: the histogram holds " + a.histogramWidth() + " values but the window says " + width);
        }
        a.last = StatisticIo.read(in, NAME);
        return a;
    }

    private long histogramWidth() {
        long sum = 0;
        for (int r = 0; r < rows; r++) {
            sum += bucketCount[r] * (1L << r);
        }
        return sum;
    }
}
