// No output record can exceed what the producer sends: dead letters keep a bounded part of the input, over-long keys and ids are dead-lettered.
package io.neurostream.app.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.records.DeadLetterReason;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.schemas.DeadLetter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputBoundsTest {
    /** The producer's default max.request.size: every output record, key and value, must fit below it. */
    private static final int MAX_REQUEST = 1 << 20;
    private static final int RECORD_MAX = Integer.parseInt(NeurostreamConfig.RECORD_MAX_BYTES.defaultValue());

    @TempDir
    Path stateDir;
    private TopologyHarness harness;

    @BeforeEach
    void start() {
        harness = new TopologyHarness(stateDir, Map.of());
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    /** The one dead letter written, checked to fit a request with room to spare. */
    private DeadLetter onlyDeadLetter() {
        List<TestRecord<byte[], byte[]>> records = harness.deadLetters.readRecordsToList();
        assertEquals(1, records.size());
        TestRecord<byte[], byte[]> r = records.get(0);
        long size = (r.key() == null ? 0 : r.key().length) + r.value().length;
        assertTrue(size <= DeadLetters.maxBytes(RECORD_MAX) && size < MAX_REQUEST - 64 * 1024, "dead letter of " + size + " bytes");
        return NeurostreamSerdes.deadLetter().deserializer().deserialize("d", r.value());
    }

    @Test
    void shouldKeepABoundedPartOfAValueTooLargeAndSaySo() {
        byte[] value = new byte[1_048_400];
        Arrays.fill(value, (byte) 7);
        harness.send("logic-and", value);
        DeadLetter d = onlyDeadLetter();
        assertEquals(DeadLetterReason.RECORD_TOO_LARGE.name(), d.getReason());
        assertEquals(RECORD_MAX, d.getValue().remaining());
        assertTrue(d.getMessage().endsWith("has 1048400 bytes, more than 900000; value cut to its first 900000 of 1048400 bytes"), d.getMessage());
    }

    @Test
    void shouldDeadLetterASampleWithAnOverLongIdOrAnIdThatMakesItTooLarge() {
        harness.send("logic-and", Samples.bytes(Samples.values("x".repeat(1_000_000), 1, 1).setLabel(1)));
        assertEquals(DeadLetterReason.RECORD_TOO_LARGE.name(), onlyDeadLetter().getReason());
        harness.send("logic-and", Samples.bytes(Samples.values("y".repeat(800_000), 1, 1).setLabel(1)));
        DeadLetter d = onlyDeadLetter();
        assertEquals(DeadLetterReason.ID_TOO_LONG.name(), d.getReason());
        assertEquals("record at offset 1: the sample id has 800000 characters, more than 1024 (predictions carry it)", d.getMessage());
        harness.send("logic-and", Samples.bytes(Samples.values("z".repeat(1024), 1, 1).setLabel(1)));
        assertEquals(0, harness.deadLetters().size(), "an id of 1,024 characters is accepted");
    }

    @Test
    void shouldDeadLetterAnOverLongKeyWithItsFirstBytes() {
        String key = "k".repeat(1_000_000);
        harness.send(key, Samples.andRow("x", 1, 1));
        DeadLetter d = onlyDeadLetter();
        assertEquals(DeadLetterReason.KEY_TOO_LONG.name(), d.getReason());
        assertEquals(DeadLetters.MAX_KEY_BYTES, d.getKey().remaining());
        assertTrue(d.getMessage().endsWith("key cut to its first 1024 of 1000000 bytes"), d.getMessage());
    }

    @Test
    void shouldDeadLetterASpecTooLargeAndCutALongMessage() {
        harness.sendSpec("big", "{\"name\": \"big\", \"description\": \"" + "d".repeat(1_000_000) + "\"}");
        assertEquals(DeadLetterReason.RECORD_TOO_LARGE.name(), onlyDeadLetter().getReason());
        String name = "n".repeat(5000);
        harness.sendSpec("bad", "{\"name\": \"" + name + "\"}");
        DeadLetter d = onlyDeadLetter();
        assertEquals(DeadLetterReason.INVALID_MODEL_SPEC.name(), d.getReason());
        assertEquals(DeadLetters.MAX_MESSAGE_CHARS + 3, d.getMessage().length(), d.getMessage().substring(0, 80));
    }

    @Test
    void shouldRefuseARecordLimitUnderWhichADeadLetterCouldNotBeSent() {
        NeurostreamConfig raised = NeurostreamConfig.load(null, Map.of(NeurostreamConfig.RECORD_MAX_BYTES.name(), "4194304"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProcessorSettings.from(raised));
        assertEquals("neurostream.record.max.bytes is 4194304: a dead letter keeping such a value needs up to 4206496 bytes, more than the "
                + "producer's max.request.size of 1048576; lower it to at most 1036384 or raise producer.max.request.size (and the topics' "
                + "max.message.bytes)", e.getMessage());
        assertEquals(4194304, ProcessorSettings.from(raised.with(Map.of("producer.max.request.size", "5242880"))).recordMaxBytes());
    }
}
