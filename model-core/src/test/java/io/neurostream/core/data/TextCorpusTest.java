// Character-level text: tiny Shakespeare's size and vocabulary, encode/decode, split and training sequences.
package io.neurostream.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextCorpusTest {
    private static TextCorpus shakespeare;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        shakespeare = TextCorpus.load(TestData.bundled().resolve("text/tinyshakespeare.txt"));
    }

    @Test
    void shouldLoadTinyShakespeareWith65Characters() {
        assertEquals("tinyshakespeare.txt", shakespeare.name());
        assertEquals(1_115_394, shakespeare.length());
        assertEquals(65, shakespeare.vocabularySize());
        assertEquals("\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", shakespeare.vocabulary());
        assertEquals("First Citizen:\n", shakespeare.text(0, 15));
    }

    @Test
    void shouldRoundTripEncodeAndDecode() {
        String opening = shakespeare.text(0, 500);
        int[] tokens = shakespeare.encode(opening);

        assertEquals(opening, shakespeare.decode(tokens));
        assertEquals(shakespeare.token(0), tokens[0]);
        assertEquals('F', shakespeare.decode(shakespeare.encode('F')));
        assertEquals(0, shakespeare.encode('\n'));
    }

    @Test
    void shouldSplitTheLastTenthOff() {
        TextCorpus.Split split = shakespeare.split(0.1);

        assertEquals(1_003_854, split.training().length());
        assertEquals(111_540, split.heldOut().length());
        assertEquals(65, split.heldOut().vocabularySize());
        assertEquals("tinyshakespeare.txt/heldout", split.heldOut().name());
        assertEquals(shakespeare.text(1_003_854, 1_003_900), split.heldOut().text(0, 46));
    }

    @Test
    void shouldCutSequencesWithTargetsShiftedByOne() {
        int[] inputs = new int[8];
        int[] targets = new int[8];
        shakespeare.sequence(6, 8, inputs, targets);

        assertEquals("Citizen:", shakespeare.decode(inputs));
        assertEquals("itizen:\n", shakespeare.decode(targets));
        assertEquals(1_115_394 - 8, shakespeare.sequenceCount(8));
        shakespeare.sequence(shakespeare.sequenceCount(8) - 1, 8, inputs, targets);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> shakespeare.sequence(shakespeare.sequenceCount(8), 8, inputs, targets));
        assertEquals("tinyshakespeare.txt: a sequence of length 8 at 1115386 needs starts in 0..1115385 (corpus length 1115394)",
                e.getMessage());
    }

    @Test
    void shouldNameACharacterOutsideTheVocabulary() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> shakespeare.encode("café"));

        assertEquals("tinyshakespeare.txt: character 'é' (U+00E9) is not in the vocabulary of 65", e.getMessage());
    }

    @Test
    void shouldKeepCharactersBeyondTheBasicPlaneWhole() {
        TextCorpus corpus = TextCorpus.of("emoji", "a😀b😀");

        assertEquals(4, corpus.length());
        assertEquals(3, corpus.vocabularySize());
        assertEquals("a😀b😀", corpus.text(0, 4));
        assertArrayEquals(new int[] {0, 2, 1, 2}, corpus.encode("a😀b😀"));
    }

    @Test
    void shouldRefuseInvalidUtf8NamingTheFile() throws IOException {
        Path file = tmp.resolve("latin1.txt");
        Files.write(file, new byte[] {'c', 'a', 'f', (byte) 0xe9});

        TestData.assertOneLineError(file + ": not valid UTF-8", () -> TextCorpus.load(file));
    }
}
