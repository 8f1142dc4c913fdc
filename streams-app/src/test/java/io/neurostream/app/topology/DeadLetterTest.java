// Every kind of bad input goes to dead-letters with its reason, the source offset and the original bytes.
package io.neurostream.app.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.records.DeadLetterReason;
import io.neurostream.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DeadLetterTest {
    private static final byte[] MNIST_PIXELS = new byte[784];

    @TempDir
    Path stateDir;
    private TopologyHarness harness;

    @BeforeEach
    void start() {
        harness = new TopologyHarness(stateDir, Map.of(NeurostreamConfig.RECORD_MAX_BYTES.name(), "2000"));
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    static Stream<Arguments> badRecords() {
        byte[] unknownFingerprint = Samples.andRow("x", 1, 1).clone();
        unknownFingerprint[2] ^= 0x55;
        byte[] truncated = java.util.Arrays.copyOf(Samples.andRow("x", 1, 1), 12);
        return Stream.of(
                Arguments.of("logic-and", new byte[] {1, 2, 3}, DeadLetterReason.NOT_AVRO, "single-object"),
                Arguments.of("logic-and", unknownFingerprint, DeadLetterReason.UNKNOWN_SCHEMA, "fingerprint"),
                Arguments.of("logic-and", truncated, DeadLetterReason.CORRUPT_RECORD, "offset"),
                Arguments.of("logic-and", new byte[0], DeadLetterReason.EMPTY_VALUE, "no value"),
                Arguments.of(null, Samples.andRow("x", 1, 1), DeadLetterReason.MISSING_KEY, "no key"),
                Arguments.of("logic-and", Samples.bytes(Samples.pixels("big", new byte[4000]).setLabel(1)), DeadLetterReason.RECORD_TOO_LARGE, "more than 2000"),
                Arguments.of("no-such-model", Samples.andRow("x", 1, 1), DeadLetterReason.UNKNOWN_MODEL, "no model named no-such-model"),
                Arguments.of("logic-and", Samples.bytes(Samples.values("x").setValues(null).setLabel(1)), DeadLetterReason.NO_FEATURES, "none of"),
                Arguments.of("logic-and", Samples.bytes(Samples.values("x", 1, 1).setPixels(ByteBuffer.wrap(new byte[2]))), DeadLetterReason.MULTIPLE_FEATURES, "more than one"),
                Arguments.of("logic-and", Samples.bytes(Samples.values("x", 1, 1).setShape(List.of(3))), DeadLetterReason.SHAPE_MISMATCH, "shape [3] describes 3 values"),
                Arguments.of("logic-and", Samples.bytes(Samples.values("x", 1, 1, 1).setLabel(1)), DeadLetterReason.FEATURE_COUNT_MISMATCH, "expected 2 values, got 3"),
                Arguments.of("mnist-mlp", Samples.bytes(Samples.pixels("x", new byte[783]).setLabel(1)), DeadLetterReason.FEATURE_COUNT_MISMATCH, "expected 784 pixels, got 783"),
                Arguments.of("logic-and", Samples.bytes(Samples.values("x").setValues(null).setTokens(List.of(1, 0))), DeadLetterReason.FEATURE_KIND_MISMATCH, "has tokens"),
                Arguments.of("logic-and", Samples.bytes(Samples.values("x", 1, Float.NaN).setLabel(1)), DeadLetterReason.NON_FINITE_VALUE, "value at index 1 is NaN"),
                Arguments.of("logic-and", Samples.bytes(Samples.values("x", 1, 1).setLabel(2)), DeadLetterReason.LABEL_OUT_OF_RANGE, "label 2 is not a class"),
                Arguments.of("mnist-mlp", Samples.bytes(Samples.pixels("x", MNIST_PIXELS).setLabel(-1)), DeadLetterReason.LABEL_OUT_OF_RANGE, "label -1"),
                Arguments.of("logic-and", Samples.bytes(Samples.values("x", 1, 1).setTarget(List.of(1f, 0f))), DeadLetterReason.TARGET_SIZE_MISMATCH, "expected 1 target values, got 2"),
                Arguments.of("logic-and", Samples.bytes(Samples.values("x", 1, 1).setTarget(List.of(Float.POSITIVE_INFINITY))), DeadLetterReason.NON_FINITE_VALUE, "target at index 0 is Infinity"),
                Arguments.of("logic-and", Samples.bytes(Samples.values("x", 1, 1).setLabel(1).setTarget(List.of(1f))), DeadLetterReason.CONFLICTING_LABELS, "both a label and a target"));
    }

    @ParameterizedTest(name = "{2}: {3}")
    @MethodSource("badRecords")
    void shouldDeadLetterWithReasonOffsetAndOriginalBytes(String model, byte[] value, DeadLetterReason reason, String messagePart) {
        harness.send("logic-and", Samples.andRow("good", 0, 1));
        harness.send(model, value);
        List<DeadLetter> dead = harness.deadLetters();
        assertEquals(1, dead.size());
        DeadLetter d = dead.get(0);
        assertEquals(reason.name(), d.getReason());
        assertTrue(d.getMessage().contains(messagePart), d.getMessage());
        assertTrue(!d.getMessage().contains("\n"), "one line");
        assertEquals(1, d.getSourceOffset());
        assertEquals("samples", d.getSourceTopic());
        byte[] kept = reason == DeadLetterReason.RECORD_TOO_LARGE ? java.util.Arrays.copyOf(value, 2000) : value;
        assertArrayEquals(kept, bytes(d.getValue()), "the original bytes, up to neurostream.record.max.bytes");
        if (model != null) {
            assertArrayEquals(model.getBytes(StandardCharsets.UTF_8), bytes(d.getKey()));
        }
        assertEquals(reason == DeadLetterReason.MISSING_KEY ? null : model, d.getModel(), "the model the key names, known or not");
        assertEquals(1.0, harness.counter("neurostream.samples.dead.lettered", "reason", reason.name()));
        harness.send("logic-and", Samples.andRow("after", 1, 0));
        assertEquals(0, harness.deadLetters().size(), "processing goes on");
    }

    @Test
    void shouldDeadLetterATokenOutsideTheVocabulary() {
        harness.sendSpec("seq", """
                {"name": "seq", "input": {"shape": [3], "vocabulary": 5},
                 "layers": [{"type": "dense", "units": 2, "activation": "softmax"}],
                 "loss": "cross_entropy", "optimizer": {"type": "sgd"}}
                """);
        harness.send("seq", Samples.bytes(Samples.values("x").setValues(null).setTokens(List.of(1, 5, 0)).setLabel(1)));
        DeadLetter d = harness.deadLetters().get(0);
        assertEquals(DeadLetterReason.TOKEN_OUT_OF_RANGE.name(), d.getReason());
        assertTrue(d.getMessage().contains("token at index 1 is 5, the vocabulary has 5"), d.getMessage());
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
