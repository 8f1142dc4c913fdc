// `neurostream schemas fingerprint`: each schema's CRC-64-AVRO fingerprint and the single-object header every value starts with.
package io.neurostream.app.cli;

import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.topology.Topics;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "fingerprint", mixinStandardHelpOptions = true,
        description = {"Print each record schema's CRC-64-AVRO fingerprint (of its Parsing Canonical Form) and the 10-byte "
                + "single-object header that starts every value on its topic: C3 01, then the fingerprint as 8 bytes, little-endian.",
                "A value is the header followed by the record in Avro binary encoding; libraries without single-object "
                + "encoding (avsc in JavaScript) write the header themselves."},
        footer = {"", "Example:", "  neurostream schemas fingerprint --markdown   # the table in the README"})
final class SchemasFingerprintCommand implements Callable<Integer> {
    static final int HEADER_LENGTH = 10;
    private static final byte[] MARKER = {(byte) 0xC3, (byte) 0x01};

    /** A record schema and the topic whose values it describes. */
    record Entry(Schema schema, String topic) {
        long fingerprint() {
            return SchemaNormalization.parsingFingerprint64(schema);
        }

        /** C3 01 and the fingerprint, little-endian. */
        byte[] header() {
            byte[] header = new byte[HEADER_LENGTH];
            header[0] = MARKER[0];
            header[1] = MARKER[1];
            long fingerprint = fingerprint();
            for (int i = 0; i < 8; i++) {
                header[2 + i] = (byte) (fingerprint >>> (8 * i));
            }
            return header;
        }
    }

    /** Every record schema of the topics, in the README's order. */
    static final List<Entry> ENTRIES = List.of(
            new Entry(NeurostreamSerdes.sample().schema(), Topics.SAMPLES),
            new Entry(NeurostreamSerdes.prediction().schema(), Topics.PREDICTIONS),
            new Entry(NeurostreamSerdes.trainingMetrics().schema(), Topics.METRICS),
            new Entry(NeurostreamSerdes.deadLetter().schema(), Topics.DEAD_LETTERS),
            new Entry(NeurostreamSerdes.modelSpec().schema(), Topics.MODELS),
            new Entry(NeurostreamSerdes.modelVersion().schema(), Topics.MODEL_VERSIONS),
            new Entry(NeurostreamSerdes.driftEvent().schema(), Topics.DRIFT),
            new Entry(NeurostreamSerdes.label().schema(), Topics.LABELS));

    @Spec
    CommandSpec command;

    @Option(names = "--markdown", description = "Print a Markdown table (as in the README) instead of aligned columns.")
    boolean markdown;

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        if (markdown) {
            out.println("| record | topic | CRC-64-AVRO fingerprint | signed 64-bit | single-object header (hex) |");
            out.println("| --- | --- | --- | ---: | --- |");
        } else {
            out.printf("%-18s %-13s %-20s %-21s %s%n", "record", "topic", "fingerprint", "signed", "header");
        }
        for (Entry e : ENTRIES) {
            String hex = String.format("0x%016x", e.fingerprint());
            if (markdown) {
                out.printf("| `%s` | `%s` | `%s` | %d | `%s` |%n", e.schema().getFullName(), e.topic(), hex, e.fingerprint(), hex(e.header()));
            } else {
                out.printf("%-18s %-13s %-20s %-21d %s%n", e.schema().getName(), e.topic(), hex, e.fingerprint(), hex(e.header()));
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** Bytes as upper-case hex pairs separated by spaces: {@code C3 01 ...}. */
    static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            text.append(text.length() == 0 ? "" : " ").append(String.format("%02X", b));
        }
        return text.toString();
    }
}
