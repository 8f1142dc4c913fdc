// Deterministic shuffled orders: Fisher–Yates (Durstenfeld) driven by SplitMix64, the same on every JVM.
package io.neurostream.core.data;

/** Seeded permutations of sample indices, for a shuffled order per epoch. */
public final class Shuffle {
    private Shuffle() {
    }

    /**
     * A permutation of {@code 0 .. n-1}: start from the identity, then for {@code i = n-1} down to 1
     * swap element {@code i} with element {@code j = rng.nextInt(i + 1)}, where
     * {@code rng = new SplitMix64(seed)}. Equal seeds give equal permutations everywhere.
     */
    public static int[] permutation(int n, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("permutation size must be >= 0, got " + n);
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplitMix64 rng = new SplitMix64(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /**
     * The seed of epoch {@code epoch} (0, 1, ...) of a run seeded with {@code seed}: output number
     * {@code epoch} of {@code new SplitMix64(seed)}, i.e. {@code mix64(seed + (epoch + 1) * GOLDEN_GAMMA)}.
     * Epoch seeds go through the mix64 scrambler, so no two epochs' generators walk the same states
     * (seeds that differ by a multiple of GOLDEN_GAMMA would give one stream, shifted).
     */
    public static long epochSeed(long seed, long epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        return SplitMix64.mix64(seed + (epoch + 1) * SplitMix64.GOLDEN_GAMMA);
    }
}
