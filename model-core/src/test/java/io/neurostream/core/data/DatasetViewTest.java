// Views of a dataset (limit, subset, shuffled): sample mapping, composition, targets and index errors.
package io.neurostream.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DatasetViewTest {
    /** Ten 1-feature samples: sample i has feature i, label i mod 3, target 10 i. */
    private static final Dataset TEN = new ArrayDataset("ten", new int[] {1}, 3,
            new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0},
            1, new float[] {0, 10, 20, 30, 40, 50, 60, 70, 80, 90});

    @Test
    void shouldLimitToTheFirstSamples() {
        Dataset first = TEN.limit(4);

        assertEquals(4, first.size());
        assertEquals("ten", first.name());
        assertEquals(3f, feature(first, 3));
        assertEquals(0, first.label(3));
        assertEquals(0, TEN.limit(0).size());
    }

    @Test
    void shouldMapSubsetAndComposeViewsOntoTheBase() {
        Dataset picked = TEN.subset(new int[] {9, 2, 5}).subset(new int[] {2, 0});

        assertInstanceOf(DatasetView.class, picked);
        assertEquals(TEN, ((DatasetView) picked).base, "a view of a view maps straight to the base");
        assertEquals(5f, feature(picked, 0));
        assertEquals(9f, feature(picked, 1));
        float[] target = new float[1];
        picked.target(1, target, 0);
        assertEquals(90f, target[0]);
        assertEquals(1, picked.targetCount());
    }

    @Test
    void shouldShuffleInThePermutationsOrder() {
        Dataset shuffled = TEN.shuffled(3L);
        int[] order = Shuffle.permutation(10, 3L);

        for (int i = 0; i < 10; i++) {
            assertEquals(order[i], (int) feature(shuffled, i));
            assertEquals(TEN.label(order[i]), shuffled.label(i));
        }
    }

    @Test
    void shouldNameDatasetAndValuesOnBadIndices() {
        IllegalArgumentException limit = assertThrows(IllegalArgumentException.class, () -> TEN.limit(11));
        IllegalArgumentException subset = assertThrows(IllegalArgumentException.class,
                () -> TEN.subset(new int[] {0, 10}));
        IndexOutOfBoundsException sample = assertThrows(IndexOutOfBoundsException.class, () -> TEN.label(10));

        assertEquals("limit of ten: 11 is outside 0..10 (its size)", limit.getMessage());
        assertEquals("subset of ten: index 10 at position 1 is outside 0..9", subset.getMessage());
        assertEquals("ten: sample 10 is outside 0..9", sample.getMessage());
    }

    @Test
    void shouldCopyTheIndicesGiven() {
        int[] indices = {1, 2};
        Dataset picked = TEN.subset(indices);
        indices[0] = 7;

        assertEquals(1f, feature(picked, 0));
    }

    @Test
    void shouldRefuseTargetsOfALabelOnlyDataset() {
        Dataset labelsOnly = new ArrayDataset("plain", new int[] {1}, 2, new float[] {0.5f}, new int[] {1});

        assertEquals(0, labelsOnly.targetCount());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> labelsOnly.limit(1).target(0, new float[1], 0));
        assertTrue(e.getMessage().contains("plain has no regression targets"), e.getMessage());
    }

    @Test
    void shouldCheckArrayDatasetShapes() {
        IllegalArgumentException features = assertThrows(IllegalArgumentException.class,
                () -> new ArrayDataset("bad", new int[] {2}, 2, new float[3], new int[2]));
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> new ArrayDataset("bad", new int[] {1}, 2, new float[2], new int[] {0, 2}));

        assertEquals("bad: expected 2 x 2 = 4 features for 2 labels of shape [2], got 3", features.getMessage());
        assertEquals("bad: label 2 of sample 1 is outside 0..1", label.getMessage());
        assertArrayEquals(new int[] {1}, TEN.sampleShape());
    }

    private static float feature(Dataset dataset, int index) {
        float[] one = new float[1];
        dataset.features(index, one, 0);
        return one[0];
    }
}
