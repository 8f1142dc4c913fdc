// `schemas fingerprint`: the headers it prints are the ones the serdes write, and the README's table is its output.
package io.neurostream.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.ops.OpsFiles;
import io.neurostream.app.produce.SyntheticSource;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.serde.RecordDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemasFingerprintCommandTest {
    private static final String TABLE_HEAD = "| record | topic | CRC-64-AVRO fingerprint | signed 64-bit | single-object header (hex) |";

    @Test
    void shouldPrintTheHeaderTheSampleSerdeWrites() {
        byte[] value = NeurostreamSerdes.sample().encode(SyntheticSource.of("xor", 1, 1, true).sample(0, 0));
        SchemasFingerprintCommand.Entry sample = SchemasFingerprintCommand.ENTRIES.get(0);

        assertEquals("samples", sample.topic());
        assertArrayEquals(Arrays.copyOf(value, SchemasFingerprintCommand.HEADER_LENGTH), sample.header());
        assertEquals("C3 01 " + SchemasFingerprintCommand.hex(Arrays.copyOfRange(value, 2, 10)), SchemasFingerprintCommand.hex(sample.header()));
    }

    @Test
    void shouldPrintAFingerprintTheDecoderOfEachTopicKnows() {
        List<RecordDecoder<?>> decoders = List.of(NeurostreamSerdes.sample().decoder(), NeurostreamSerdes.prediction().decoder(),
                NeurostreamSerdes.trainingMetrics().decoder(), NeurostreamSerdes.deadLetter().decoder(), NeurostreamSerdes.modelSpec().decoder(),
                NeurostreamSerdes.modelVersion().decoder(), NeurostreamSerdes.driftEvent().decoder(),
                NeurostreamSerdes.label().decoder());
        assertEquals(SchemasFingerprintCommand.ENTRIES.size(), decoders.size(), "a decoder per topic");
        for (int i = 0; i < decoders.size(); i++) {
            SchemasFingerprintCommand.Entry entry = SchemasFingerprintCommand.ENTRIES.get(i);
            assertTrue(decoders.get(i).knownFingerprints().contains(entry.fingerprint()), entry.schema().getName());
        }
    }

    @Test
    void shouldMatchTheReadmesTable() throws IOException {
        CommandRun run = CommandRun.of("schemas", "fingerprint", "--markdown");
        assertEquals(0, run.exitCode(), run.err());
        List<String> readme = Files.readAllLines(OpsFiles.root().resolve("README.md"));
        int start = readme.indexOf(TABLE_HEAD);
        assertTrue(start >= 0, "README.md has the table of single-object headers, headed " + TABLE_HEAD);
        int end = start;
        while (end < readme.size() && readme.get(end).startsWith("|")) {
            end++;
        }

        assertEquals(run.out().strip(), String.join("\n", readme.subList(start, end)),
                "README.md's table of single-object headers (section 'Single-object header') is not what the schemas give:"
                        + " a schema in schemas/src/main/avro/ changed. Replace the table with the output of"
                        + " `mvn -B -q package -DskipTests && java -jar streams-app/target/neurostream.jar schemas fingerprint --markdown`");
    }
}
