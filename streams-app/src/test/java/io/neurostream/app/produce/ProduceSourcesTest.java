// The sample sources: CSV rows (header, empty labels, bad rows named by file:line), text sequences, synthetic points, MNIST ids and shapes.
package io.neurostream.app.produce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.core.data.DataLocator;
import io.neurostream.core.data.ImageDataset;
import io.neurostream.core.data.LogicGate;
import io.neurostream.core.data.Mnist;
import io.neurostream.core.data.TextCorpus;
import io.neurostream.schemas.Sample;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProduceSourcesTest {
    private static final long EVENT_TIME = 1_700_000_000_000L;

    @Test
    void shouldReadCsvRowsAsValuesWithLabelsAndSkipTheHeader() {
        CsvSource csv = CsvSource.parse("points.csv", "points.csv", "label,x,y\n1,0.5,-2\n\n0, 3 ,4e-1\n,7,8\n", true);

        assertEquals(3, csv.size());
        assertEquals(2, csv.features());
        Sample first = csv.sample(0, EVENT_TIME);
        assertEquals("points.csv-0", first.getId());
        assertEquals(List.of(0.5f, -2f), first.getValues());
        assertEquals(List.of(2), first.getShape());
        assertEquals(1, first.getLabel());
        assertEquals(EVENT_TIME, first.getEventTime().toEpochMilli());
        assertEquals(List.of(3f, 0.4f), csv.sample(1, EVENT_TIME).getValues());
        assertNull(csv.sample(2, EVENT_TIME).getLabel(), "an empty label field means no label");
        assertNull(first.getPixels());
        assertNull(first.getTokens());
    }

    @Test
    void shouldTreatAFirstLineWithNumbersAsData() {
        CsvSource csv = CsvSource.parse("d.csv", "d.csv", "2,1,1\n", true);

        assertEquals(1, csv.size());
        assertEquals(2, csv.sample(0, EVENT_TIME).getLabel());
    }

    @Test
    void shouldDropCsvLabelsWithoutLabels() {
        CsvSource csv = CsvSource.parse("d.csv", "d.csv", "1,0.5,2\n", false);

        assertNull(csv.sample(0, EVENT_TIME).getLabel());
    }

    @Test
    void shouldNameFileAndLineOfABadCsvRow() {
        assertEquals("data/p.csv:3: column 3 \"abc\" is not a number",
                csvError("label,x,y\n1,0.5,2\n0,1,abc\n"));
        assertEquals("data/p.csv:4: expected 2 features (as on line 2), got 3",
                csvError("label,x,y\n1,0.5,2\n\n0,1,2,3\n"));
        assertEquals("data/p.csv:1: label \"-1\" is not an integer >= 0 (or empty for no label)",
                csvError("-1,0.5,2\n"));
        assertEquals("data/p.csv:2: label \"1.5\" is not an integer >= 0 (or empty for no label)",
                csvError("1,2,3\n1.5,0.5,2\n"));
        assertEquals("data/p.csv:1: column 2 \"NaN\" is not finite",
                csvError("1,NaN,2\n"));
        assertEquals("data/p.csv:2: expected label,f1,f2,... but found 1 field: \"7\"",
                csvError("1,2\n7\n"));
        assertEquals("data/p.csv: no data rows (expected lines of label,f1,f2,...)",
                csvError("label,x,y\n\n"));
    }

    @Test
    void shouldReadACsvFileAndNameItInErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("iris.csv");
        Files.writeString(file, "1,2,3\n1,2,oops\n");

        SourceException e = assertThrows(SourceException.class, () -> CsvSource.load(file, true));

        assertEquals(file + ":2: column 3 \"oops\" is not a number", e.getMessage());
    }

    @Test
    void shouldCutTextIntoSequencesOfTPlusOneTokensSharingOneToken() {
        TextCorpus corpus = TextCorpus.of("t.txt", "abcdefghij"); // tokens 0..9
        TextSource text = new TextSource(corpus, 3, true);

        assertEquals(3, text.size());
        assertEquals(10, text.vocabularySize());
        Sample second = text.sample(1, EVENT_TIME);
        assertEquals("t.txt-T3-1", second.getId());
        assertEquals(List.of(3, 4, 5, 6), second.getTokens());
        assertEquals(List.of(4), second.getShape());
        assertNull(second.getLabel(), "the next tokens are the targets: no label");
        assertNull(second.getTarget());
        assertEquals(List.of(6, 7, 8, 9), text.sample(2, EVENT_TIME).getTokens());
    }

    @Test
    void shouldCutTextIntoTTokensWithoutLabels() {
        TextSource text = new TextSource(TextCorpus.of("t.txt", "abcdefghij"), 3, false);

        assertEquals(3, text.size());
        assertEquals(List.of(0, 1, 2), text.sample(0, EVENT_TIME).getTokens());
        assertEquals(List.of(6, 7, 8), text.sample(2, EVENT_TIME).getTokens());
        assertEquals(List.of(3), text.sample(2, EVENT_TIME).getShape());
    }

    @Test
    void shouldRejectTextTooShortForOneSequence() {
        SourceException e = assertThrows(SourceException.class, () -> new TextSource(TextCorpus.of("t.txt", "abcd"), 4, true));

        assertEquals("t.txt: 4 characters, too short for one sequence of 5 tokens (sequence length 4)", e.getMessage());
    }

    @Test
    void shouldGenerateSyntheticPointsDeterministicallyWithTheirClass() {
        SyntheticSource xor = SyntheticSource.of("xor", 8, 7, true);

        assertEquals(8, xor.size());
        for (int i = 0; i < 8; i++) {
            Sample s = xor.sample(i, EVENT_TIME);
            assertEquals("xor-7-" + i, s.getId());
            assertEquals(List.of(2), s.getShape());
            int a = Math.round(s.getValues().get(0)); // a truth-table row plus noise
            int b = Math.round(s.getValues().get(1));
            assertEquals(LogicGate.XOR.apply(a, b), s.getLabel());
        }
        SyntheticSource circle = SyntheticSource.of("circle", 50, 3, true);
        SyntheticSource again = SyntheticSource.of("circle", 50, 3, true);
        assertEquals(circle.sample(49, EVENT_TIME), again.sample(49, EVENT_TIME));
        assertNull(SyntheticSource.of("linear", 5, 3, false).sample(0, EVENT_TIME).getLabel());
    }

    @Test
    void shouldRejectAnUnknownSyntheticSet() {
        SourceException e = assertThrows(SourceException.class, () -> SyntheticSource.of("spiral", 10, 1, true));

        assertEquals("unknown synthetic set \"spiral\"; sets: linear, and, or, xor, circle", e.getMessage());
    }

    @Test
    void shouldSendMnistAsUint8PixelsOfShape1x28x28WithIdsFromFolderSplitAndIndex() {
        Path dir = DataLocator.locate().resolve("mnist");
        MnistSource source = MnistSource.load(dir, Mnist.Split.TEST, true);
        ImageDataset images = Mnist.test(dir);

        assertEquals(10_000, source.size());
        Set<String> ids = new HashSet<>();
        for (int i : new int[] {0, 1, 9_999}) {
            Sample s = source.sample(i, EVENT_TIME);
            ids.add(s.getId());
            assertEquals("mnist-test-" + i, s.getId());
            assertEquals(List.of(1, 28, 28), s.getShape());
            assertEquals(images.label(i), s.getLabel());
            byte[] expected = new byte[784];
            images.pixels(i, expected, 0);
            ByteBuffer pixels = s.getPixels();
            byte[] actual = new byte[pixels.remaining()];
            pixels.duplicate().get(actual);
            assertArrayEquals(expected, actual);
            Sample decoded = NeurostreamSerdes.sample().deserializer().deserialize("samples", NeurostreamSerdes.sample().encode(s));
            assertEquals(s, decoded);
        }
        assertEquals(3, ids.size());
        assertNull(MnistSource.load(dir, Mnist.Split.TEST, false).sample(0, EVENT_TIME).getLabel());
        assertTrue(source.description().startsWith("mnist/t10k (10,000 images 1x28x28, labelled"), source.description());
    }

    @Test
    void shouldOrderInFileOrderOrShuffledAndCutToTheLimit() {
        assertArrayEquals(new int[] {0, 1, 2, 3}, SampleProducer.order(4, null, null));
        assertArrayEquals(new int[] {0, 1}, SampleProducer.order(4, 2, null));
        assertArrayEquals(new int[] {0, 1, 2}, SampleProducer.order(3, 10, null));
        int[] shuffled = SampleProducer.order(100, null, 5L);
        assertArrayEquals(shuffled, SampleProducer.order(100, null, 5L));
        assertEquals(100, Arrays.stream(shuffled).distinct().count());
        assertArrayEquals(Arrays.copyOf(shuffled, 10), SampleProducer.order(100, 10, 5L));
    }

    private static String csvError(String text) {
        return assertThrows(SourceException.class, () -> CsvSource.parse("p.csv", "data/p.csv", text, true)).getMessage();
    }
}
