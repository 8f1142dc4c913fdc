// `neurostream produce` argument handling: complete --help, picocli's flag errors, and one-line errors with exit code 2 before any Kafka call.
package io.neurostream.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.produce.SyntheticSource;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.schemas.Label;
import io.neurostream.schemas.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProduceCommandTest {
    /** Nothing listens here: the commands below must fail before connecting. */
    private static final String NO_BROKER = "127.0.0.1:1";

    @Test
    void shouldDocumentEveryOptionInHelp() {
        CommandRun run = CommandRun.of("produce", "--help");

        assertEquals(0, run.exitCode());
        for (String option : new String[] {"--bootstrap-servers", "--model", "--mnist", "--split", "--no-labels", "--csv", "--text",
                "--seq-len", "--synthetic", "--count", "--topic", "--rate", "--limit", "--seed", "--config", "--set"}) {
            assertTrue(run.out().contains(option), option + " missing from:\n" + run.out());
        }
        assertTrue(run.out().contains("Exit codes"), run.out());
    }

    @Test
    void shouldRequireExactlyOneSource() {
        CommandRun none = CommandRun.of("produce", "--model", "xor", "--bootstrap-servers", NO_BROKER);
        CommandRun two = CommandRun.of("produce", "--model", "xor", "--synthetic", "xor", "--csv", "a.csv");

        assertEquals(2, none.exitCode());
        assertTrue(none.errLine().startsWith("neurostream produce: Error: Missing required argument (specify one of these): "), none.err());
        assertEquals(1, none.err().lines().count(), "one line, no usage dump: " + none.err());
        assertEquals(2, two.exitCode());
        assertTrue(two.errLine().contains("mutually exclusive"), two.err());
    }

    @Test
    void shouldNameABadRate() {
        CommandRun word = CommandRun.of("produce", "--model", "xor", "--synthetic", "xor", "--rate", "fast");
        CommandRun zero = CommandRun.of("produce", "--model", "xor", "--synthetic", "xor", "--rate", "0/s");

        assertEquals(2, word.exitCode());
        assertEquals("neurostream produce: Invalid value for option '--rate': 'fast' is not a rate: expected samples per second, e.g. 500 or 500/s"
                + " (see 'neurostream produce --help')", word.errLine());
        assertEquals(2, zero.exitCode());
        assertEquals("neurostream produce: Invalid value for option '--rate': '0/s' is not a rate > 0 samples per second"
                + " (see 'neurostream produce --help')", zero.errLine());
    }

    @Test
    void shouldRejectOptionsOfAnotherSourceInOneLine() {
        assertOneLineError("neurostream produce: --split test applies to --mnist only",
                "produce", "--model", "xor", "--synthetic", "xor", "--split", "test", "--bootstrap-servers", NO_BROKER);
        assertOneLineError("neurostream produce: --seq-len 8 applies to --text only",
                "produce", "--model", "xor", "--synthetic", "xor", "--seq-len", "8", "--bootstrap-servers", NO_BROKER);
        assertOneLineError("neurostream produce: --count 5 applies to --synthetic only",
                "produce", "--model", "m", "--csv", "a.csv", "--count", "5", "--bootstrap-servers", NO_BROKER);
        assertOneLineError("neurostream produce: --split must be train or test, got \"valid\"",
                "produce", "--model", "m", "--mnist", "ops/data/mnist", "--split", "valid", "--bootstrap-servers", NO_BROKER);
        assertOneLineError("neurostream produce: --limit must be >= 1, got 0",
                "produce", "--model", "xor", "--synthetic", "xor", "--limit", "0", "--bootstrap-servers", NO_BROKER);
        assertOneLineError("neurostream produce: unknown synthetic set \"spiral\"; sets: linear, and, or, xor, circle",
                "produce", "--model", "xor", "--synthetic", "spiral", "--bootstrap-servers", NO_BROKER);
        assertOneLineError("neurostream produce: --replicas must be in [1, 256], got 0",
                "produce", "--model", "m", "--synthetic", "xor", "--replicas", "0", "--bootstrap-servers", NO_BROKER);
        assertOneLineError("neurostream produce: --replicas must be in [1, 256], got 257",
                "produce", "--model", "m", "--synthetic", "xor", "--replicas", "257", "--bootstrap-servers", NO_BROKER);
    }

    @Test
    void shouldSendLabelsOnlyForSourcesWithLabels() {
        assertOneLineError("neurostream produce: --labels-only sends labels, so it takes no --no-labels, and not --text (a next-token model's "
                        + "samples carry their own labels)",
                "produce", "--model", "xor", "--synthetic", "xor", "--labels-only", "--no-labels", "--bootstrap-servers", NO_BROKER);
        Sample sample = SyntheticSource.of("xor", 1, 1, true).sample(0, 0);
        Label label = NeurostreamSerdes.label().deserializer()
                .deserialize("labels", ProduceCommand.labelOf("labels", sample));
        assertEquals(sample.getId(), label.getId());
        assertEquals(sample.getLabel(), label.getLabel());
        assertEquals(sample.getEventTime(), label.getEventTime());
    }

    @Test
    void shouldAskForAClusterInOneLine() {
        assertOneLineError("neurostream produce: no Kafka cluster: give --bootstrap-servers or bootstrap.servers in --config",
                "produce", "--model", "xor", "--synthetic", "xor");
    }

    @Test
    void shouldRejectAnUnknownNeurostreamSettingInOneLine() {
        assertOneLineError("neurostream produce: unknown configuration key neurostream.topic.prefx (neurostream keys are listed in the README)",
                "produce", "--model", "xor", "--synthetic", "xor", "--bootstrap-servers", NO_BROKER, "--set", "neurostream.topic.prefx=a-");
    }

    @Test
    void shouldNameFileAndLineOfABadCsvRowBeforeConnecting(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("points.csv");
        Files.writeString(csv, "label,x,y\n1,0.5,2\n0,0.25,x1\n");

        assertOneLineError("neurostream produce: " + csv + ":3: column 3 \"x1\" is not a number",
                "produce", "--model", "perceptron", "--csv", csv.toString(), "--bootstrap-servers", NO_BROKER);
    }

    @Test
    void shouldNameAMissingMnistFolder(@TempDir Path dir) {
        Path missing = dir.resolve("nothing-here");

        assertOneLineError("neurostream produce: " + missing + ": no MNIST file train-images-idx3-ubyte.gz or train-images-idx3-ubyte",
                "produce", "--model", "mnist-mlp", "--mnist", missing.toString(), "--bootstrap-servers", NO_BROKER);
    }

    static void assertOneLineError(String expected, String... args) {
        CommandRun run = CommandRun.of(args);
        assertEquals(2, run.exitCode(), run.err());
        assertEquals(expected + System.lineSeparator(), run.err());
        assertEquals("", run.out());
    }
}
