// Next-character batches: windows of T tokens, targets shifted by one, one-hot per step.
package io.neurostream.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.data.TextCorpus;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.Presets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TextBatchesTest {
    private static final TextCorpus TEXT = TextCorpus.of("abc", "abcab cabca");

    private static Network charModel(int steps, int vocabulary) {
        return Network.create(Presets.load("char-lstm").with(Map.of("input", Map.of("shape", List.of(steps), "vocabulary", vocabulary))));
    }

    @Test
    void windowsAreConsecutiveAndTargetsAreTheNextCharacters() {
        TextBatches batches = new TextBatches(TEXT, charModel(3, 4)); // vocabulary " abc"
        assertEquals((11 - 1) / 3, batches.size());
        INDArray inputs = Nd4j.create(DataType.FLOAT, 2, 3);
        INDArray targets = Nd4j.create(DataType.FLOAT, 2, 3, 4);
        int[] labels = new int[6];
        batches.fill(new int[] {2, 0}, 0, inputs, targets, labels);
        assertArrayEquals(new float[] {3, 1, 2, 1, 2, 3}, inputs.data().asFloat(), "\"cab\" (window 2) and \"abc\" (window 0)");
        assertArrayEquals(new int[] {1, 2, 3, 2, 3, 1}, labels, "\"abc\" and \"bca\": each the character after its input");
        assertEquals(6.0, targets.sumNumber().doubleValue());
        assertEquals(1.0, targets.getDouble(0, 1, 2), "window 2, step 1 ('a') is followed by 'b'");
    }

    @Test
    void aModelWithAnotherVocabularyIsRefusedWithBothSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TextBatches(TEXT, charModel(3, 65)));
        assertTrue(e.getMessage().contains("vocabulary of 65") && e.getMessage().contains("has 4 distinct characters"), e.getMessage());
    }
}
