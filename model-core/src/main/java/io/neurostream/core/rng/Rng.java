// The model's random number generator: xoshiro256** (Blackman & Vigna 2018), seeded by SplitMix64.
package io.neurostream.core.rng;

import java.util.Arrays;

/**
 * A small, fast generator whose whole state is four longs, so it can be saved in a model
 * snapshot and restored bit for bit: same seed and same calls give the same numbers on every
 * JVM. Used for weight initialisation, dropout masks and sampling.
 */
public final class Rng {
    private final long[] s = new long[4];

    public Rng(long seed) {
        long x = seed;
        for (int i = 0; i < 4; i++) {
            x += 0x9E3779B97F4A7C15L;
            long z = x;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            s[i] = z ^ (z >>> 31);
        }
    }

    private Rng(long[] state) {
        System.arraycopy(state, 0, s, 0, 4);
    }

    /** A generator continuing from a state saved by {@link #state()}. */
    public static Rng fromState(long[] state) {
        if (state.length != 4) {
            throw new IllegalArgumentException("rng state must have 4 longs, got " + state.length);
        }
        if ((state[0] | state[1] | state[2] | state[3]) == 0) {
            throw new IllegalArgumentException("rng state must not be all zero");
        }
        return new Rng(state);
    }

    public long[] state() {
        return s.clone();
    }

    public long nextLong() {
        long result = Long.rotateLeft(s[1] * 5, 7) * 9;
        long t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = Long.rotateLeft(s[3], 45);
        return result;
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        return (int) (((nextLong() >>> 33) * bound) >>> 31);
    }

    /** Standard normal by the Box-Muller transform (no cached second value, so the state stays four longs). */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1]
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    @Override
    public String toString() {
        return "Rng" + Arrays.toString(s);
    }
}
