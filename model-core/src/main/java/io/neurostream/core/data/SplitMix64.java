// SplitMix64 (Steele, Lea, Flood 2014; Vigna's splitmix64.c): a tiny seeded RNG, identical on every JVM and platform.
package io.neurostream.core.data;

/**
 * The SplitMix64 generator: the state advances by the golden gamma {@code 0x9e3779b97f4a7c15} and
 * each output is the state through the {@link #mix64} finalizer. Written out here (rather than
 * relying on {@link java.util.SplittableRandom}, whose algorithm is not specified) so a seed gives
 * the same numbers on every JVM, version and platform. Its {@link #nextLong()} sequence equals
 * {@code splitmix64.c}'s (from seed 0: {@code 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, ...}).
 * Not thread-safe; not for cryptography.
 */
public final class SplitMix64 {
    /** The state increment: 2^64 / φ, odd. */
    public static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private long state;

    public SplitMix64(long seed) {
        this.state = seed;
    }

    /** The next 64 uniformly distributed bits. */
    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix64(state);
    }

    /**
     * A uniform int in {@code 0 .. bound-1}, without bias: Lemire's multiply-shift on the top 32
     * bits with rejection ("Fast random integer generation in an interval", 2019).
     */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long product = (nextLong() >>> 32) * bound; // 32-bit draw × bound < 2^63
        long low = product & 0xffffffffL;
        if (low < bound) {
            long threshold = (0x1_0000_0000L - bound) % bound; // 2^32 mod bound
            while (low < threshold) {
                product = (nextLong() >>> 32) * bound;
                low = product & 0xffffffffL;
            }
        }
        return (int) (product >>> 32);
    }

    /** A uniform float in [0, 1): the top 24 bits times 2^-24. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Stafford's variant 13 of the MurmurHash3 64-bit finalizer: a bijection that scrambles all bits. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
