// Small synthetic 2-D datasets, deterministic from a seed: a separable line, noisy logic gates, a circle.
package io.neurostream.core.data;

import java.util.List;

/**
 * Small 2-class sets of 2-D points (shape {@code {2}}), each reachable by name with a size and a
 * seed ({@link #byName}). Points are drawn with {@link SplitMix64} and float arithmetic, which Java
 * 17 evaluates strictly, so a seed gives the same set on every JVM.
 */
public final class Synthetic {
    /** The names {@link #byName} accepts. */
    public static final List<String> NAMES = List.of("linear", "and", "or", "xor", "circle");

    /** The linear set's line is {@code 0.6 x + 0.8 y = 0.1}: unit normal (0.6, 0.8), offset 0.1. */
    public static final float LINE_NORMAL_X = 0.6f;
    public static final float LINE_NORMAL_Y = 0.8f;
    public static final float LINE_OFFSET = 0.1f;
    /** No point of the linear set lies closer than this to its line. */
    public static final float LINE_MARGIN = 0.1f;
    /** Each coordinate of a named logic set's point lies within this of its truth-table row's 0 or 1. */
    public static final float LOGIC_NOISE = 0.2f;
    /** The circle set's radius: sqrt(2/π), so the circle covers half of the square [-1, 1)². */
    public static final float CIRCLE_RADIUS = (float) Math.sqrt(2 / Math.PI);

    private Synthetic() {
    }

    /**
     * The set called {@code name} (one of {@link #NAMES}) with {@code size} samples drawn with
     * {@code seed}; the logic gates are {@link #noisyLogic} sets.
     */
    public static Dataset byName(String name, int size, long seed) {
        return switch (name) {
            case "linear" -> linear(size, seed);
            case "and" -> noisyLogic(LogicGate.AND, size, seed);
            case "or" -> noisyLogic(LogicGate.OR, size, seed);
            case "xor" -> noisyLogic(LogicGate.XOR, size, seed);
            case "circle" -> circle(size, seed);
            default -> throw new IllegalArgumentException("unknown synthetic dataset '" + name
                    + "': expected one of " + String.join(", ", NAMES));
        };
    }

    /**
     * Points uniform in the square [-1, 1)², minus the band of half-width {@link #LINE_MARGIN}
     * around the line: label 1 where {@link #lineDistance} is positive, 0 where it is negative.
     */
    public static Dataset linear(int size, long seed) {
        SplitMix64 rng = new SplitMix64(seed);
        float[] points = new float[checkedSize(size) * 2]; // [size, 2]
        int[] labels = new int[size];
        for (int i = 0; i < size; i++) {
            float x;
            float y;
            do {
                x = 2 * rng.nextFloat() - 1;
                y = 2 * rng.nextFloat() - 1;
            } while (Math.abs(lineDistance(x, y)) < LINE_MARGIN);
            points[2 * i] = x;
            points[2 * i + 1] = y;
            labels[i] = lineDistance(x, y) > 0 ? 1 : 0;
        }
        return new ArrayDataset("linear", new int[] {2}, 2, points, labels);
    }

    /** The signed distance of (x, y) from the linear set's line, positive on the side of label 1. */
    public static float lineDistance(float x, float y) {
        return LINE_NORMAL_X * x + LINE_NORMAL_Y * y - LINE_OFFSET;
    }

    /** Points uniform in the square [-1, 1)²: label 1 strictly inside the circle of radius {@link #CIRCLE_RADIUS} about 0, else 0. */
    public static Dataset circle(int size, long seed) {
        SplitMix64 rng = new SplitMix64(seed);
        float[] points = new float[checkedSize(size) * 2]; // [size, 2]
        int[] labels = new int[size];
        for (int i = 0; i < size; i++) {
            float x = 2 * rng.nextFloat() - 1;
            float y = 2 * rng.nextFloat() - 1;
            points[2 * i] = x;
            points[2 * i + 1] = y;
            labels[i] = x * x + y * y < CIRCLE_RADIUS * CIRCLE_RADIUS ? 1 : 0;
        }
        return new ArrayDataset("circle", new int[] {2}, 2, points, labels);
    }

    /**
     * The truth table of {@code gate}, rows (0,0), (0,1), (1,0), (1,1) repeated to {@code size}
     * samples (row i is table row i mod 4). Label = the gate's output; target (1 float) = the same
     * as 0f/1f, for a single output trained on ½Σ(d−o)².
     */
    public static Dataset logic(LogicGate gate, int size) {
        float[] inputs = new float[checkedSize(size) * 2]; // [size, 2], each 0 or 1
        int[] labels = new int[size];
        float[] targets = new float[size]; // [size, 1]
        for (int i = 0; i < size; i++) {
            int a = (i >> 1) & 1;
            int b = i & 1;
            inputs[2 * i] = a;
            inputs[2 * i + 1] = b;
            labels[i] = gate.apply(a, b);
            targets[i] = labels[i];
        }
        return new ArrayDataset(gate.id(), new int[] {2}, 2, inputs, labels, 1, targets);
    }

    /**
     * Truth-table rows drawn uniformly at random, each coordinate moved by noise uniform in
     * [-{@link #LOGIC_NOISE}, {@link #LOGIC_NOISE}): label and target (1 float) = the gate's output
     * of the row. A stream of these is what a model learns a gate from online: the rows come in no
     * fixed order, and the noise keeps it from memorising four points.
     */
    public static Dataset noisyLogic(LogicGate gate, int size, long seed) {
        SplitMix64 rng = new SplitMix64(seed);
        float[] inputs = new float[checkedSize(size) * 2]; // [size, 2]
        int[] labels = new int[size];
        float[] targets = new float[size]; // [size, 1]
        for (int i = 0; i < size; i++) {
            int row = rng.nextInt(4);
            int a = (row >> 1) & 1;
            int b = row & 1;
            inputs[2 * i] = a + LOGIC_NOISE * (2 * rng.nextFloat() - 1);
            inputs[2 * i + 1] = b + LOGIC_NOISE * (2 * rng.nextFloat() - 1);
            labels[i] = gate.apply(a, b);
            targets[i] = labels[i];
        }
        return new ArrayDataset(gate.id(), new int[] {2}, 2, inputs, labels, 1, targets);
    }

    private static int checkedSize(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("dataset size must be >= 0, got " + size);
        }
        return size;
    }
}
