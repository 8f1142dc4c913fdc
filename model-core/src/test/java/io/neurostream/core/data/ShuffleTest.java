// Seeded shuffles: permutations, deterministic, and pinned to fixed numbers so every JVM gives the same order.
package io.neurostream.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ShuffleTest {
    @Test
    void shouldGiveAPermutation() {
        int[] order = Shuffle.permutation(60_000, 42L);
        boolean[] seen = new boolean[order.length];
        for (int index : order) {
            assertFalse(seen[index], "index " + index + " twice");
            seen[index] = true;
        }
        assertEquals(60_000, order.length);
    }

    @Test
    void shouldGiveTheSameOrderForTheSameSeedAndAnotherForAnotherSeed() {
        assertArrayEquals(Shuffle.permutation(1000, 42L), Shuffle.permutation(1000, 42L));
        assertFalse(Arrays.equals(Shuffle.permutation(1000, 42L), Shuffle.permutation(1000, 43L)));
    }

    @Test
    void shouldMatchThePinnedOrderOnEveryJvm() {
        assertArrayEquals(new int[] {8, 3, 6, 5, 4, 0, 9, 2, 1, 7}, Shuffle.permutation(10, 42L));
        assertArrayEquals(new int[] {57630, 3518, 47514, 24059, 52744, 32630, 681, 56646, 16965, 42666},
                Arrays.copyOf(Shuffle.permutation(60_000, 42L), 10));
    }

    @Test
    void shouldHandleEmptyAndSingleSets() {
        assertArrayEquals(new int[0], Shuffle.permutation(0, 1L));
        assertArrayEquals(new int[] {0}, Shuffle.permutation(1, 1L));
        assertThrows(IllegalArgumentException.class, () -> Shuffle.permutation(-1, 1L));
    }

    @Test
    void shouldGiveDistinctScrambledEpochSeeds() {
        long first = Shuffle.epochSeed(42L, 0);
        long second = Shuffle.epochSeed(42L, 1);

        assertNotEquals(first, second);
        assertNotEquals(42L, first);
        assertEquals(new SplitMix64(42L).nextLong(), first, "epoch 0's seed is the generator's first output");
    }

    @Test
    void shouldMatchSplitMix64ReferenceOutputs() {
        SplitMix64 rng = new SplitMix64(0L);

        assertEquals(0xe220a8397b1dcdafL, rng.nextLong());
        assertEquals(0x6e789e6aa1b965f4L, rng.nextLong());
        assertEquals(0x06c45d188009454fL, rng.nextLong());
        SplitMix64 ours = new SplitMix64(-7L);
        SplittableRandom jdk = new SplittableRandom(-7L);
        for (int i = 0; i < 100; i++) {
            assertEquals(jdk.nextLong(), ours.nextLong(), "output " + i);
        }
    }

    @Test
    void shouldDrawBoundedIntsAndFloatsInRange() {
        SplitMix64 rng = new SplitMix64(5L);
        int[] counts = new int[3];
        for (int i = 0; i < 30_000; i++) {
            counts[rng.nextInt(3)]++;
            float f = rng.nextFloat();
            assertTrue(f >= 0f && f < 1f, "float " + f);
        }
        for (int count : counts) {
            assertTrue(count > 9_500 && count < 10_500, Arrays.toString(counts));
        }
        assertThrows(IllegalArgumentException.class, () -> rng.nextInt(0));
    }
}
