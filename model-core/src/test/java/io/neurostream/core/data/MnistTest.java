// Loads the bundled MNIST and checks it against the verified contents in shared/data/README.md.
package io.neurostream.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MnistTest {
    private static ImageDataset train;
    private static ImageDataset test;

    @BeforeAll
    static void load() {
        Path mnist = TestData.bundled().resolve("mnist");
        train = Mnist.train(mnist);
        test = Mnist.test(mnist);
    }

    @Test
    void shouldLoadTrainingSetWithPublishedCountsAndFirstLabels() {
        assertEquals("mnist/train", train.name());
        assertEquals(60_000, train.size());
        assertArrayEquals(new int[] {1, 28, 28}, train.sampleShape());
        assertEquals(784, train.featureCount());
        assertEquals(10, train.classes());
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, labelCounts(train));
        assertArrayEquals(new int[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, firstLabels(train));
    }

    @Test
    void shouldLoadTestSetWithPublishedCountsAndFirstLabels() {
        assertEquals("mnist/t10k", test.name());
        assertEquals(10_000, test.size());
        assertEquals(28, test.rows());
        assertEquals(28, test.cols());
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, labelCounts(test));
        assertArrayEquals(new int[] {7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, firstLabels(test));
    }

    @Test
    void shouldGiveEachFeatureAsPixelOver255() {
        byte[] pixels = new byte[784];
        float[] features = new float[2 + 784];
        train.pixels(0, pixels, 0);
        train.features(0, features, 2);
        int ink = 0;
        for (int k = 0; k < 784; k++) {
            assertEquals((pixels[k] & 0xff) / 255f, features[2 + k], "pixel " + k);
            ink += pixels[k] != 0 ? 1 : 0;
        }
        assertTrue(ink > 50 && ink < 400, "a digit has some ink, got " + ink + " non-zero pixels");
        assertEquals(0f, features[2], "the top-left corner is background");
    }

    @Test
    void shouldKeepRawPixelsThroughShuffledAndLimitedViews() {
        ImageDataset view = test.shuffled(7L).limit(5);
        int[] order = Shuffle.permutation(test.size(), 7L);
        byte[] fromView = new byte[784];
        byte[] fromBase = new byte[784];
        for (int i = 0; i < 5; i++) {
            view.pixels(i, fromView, 0);
            test.pixels(order[i], fromBase, 0);
            assertArrayEquals(fromBase, fromView);
            assertEquals(test.label(order[i]), view.label(i));
        }
        assertEquals(5, view.size());
        assertEquals(28, view.rows());
    }

    private static int[] labelCounts(Dataset dataset) {
        int[] counts = new int[dataset.classes()];
        for (int i = 0; i < dataset.size(); i++) {
            counts[dataset.label(i)]++;
        }
        return counts;
    }

    private static int[] firstLabels(Dataset dataset) {
        int[] labels = new int[10];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = dataset.label(i);
        }
        return labels;
    }
}
