// RecordDecoder classifies every bad value with a reason code and a one-line message, and never throws.
package io.neurostream.app.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.records.DeadLetterReason;
import io.neurostream.schemas.Sample;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordDecoderTest {
    private static final long SEED = 20240611L;
    private final RecordDecoder<Sample> decoder = NeurostreamSerdes.sample().decoder();
    private final byte[] valid = NeurostreamSerdes.sample().encode(RecordFixtures.pixelSample());

    @Test
    void shouldDecodeAValidValue() {
        DecodeResult<Sample> result = decoder.decode(valid);

        assertEquals(RecordFixtures.pixelSample(), assertInstanceOf(DecodeResult.Decoded.class, result).record());
    }

    @Test
    void shouldDecodeIntoTheReusedRecord() {
        Sample reuse = RecordFixtures.tokenSample();

        DecodeResult<Sample> result = decoder.decode(valid, reuse);

        Sample decoded = decoded(result);
        assertSame(reuse, decoded);
        assertEquals(RecordFixtures.pixelSample(), decoded);
    }

    @Test
    void shouldRejectNullAndEmptyValuesAsEmpty() {
        assertRejected(DeadLetterReason.EMPTY_VALUE, decoder.decode(null));
        assertRejected(DeadLetterReason.EMPTY_VALUE, decoder.decode(new byte[0]));
    }

    @Test
    void shouldRejectValuesTooShortForTheHeaderAsNotAvro() {
        String message = assertRejected(DeadLetterReason.NOT_AVRO, decoder.decode(new byte[] {(byte) 0xC3, 0x01, 5}));

        assertTrue(message.contains("3 bytes"), message);
    }

    @Test
    void shouldRejectValuesWithoutTheMarkerAsNotAvro() {
        byte[] json = "{\"id\":\"a\",\"values\":[1,2]}".getBytes(StandardCharsets.UTF_8);

        String message = assertRejected(DeadLetterReason.NOT_AVRO, decoder.decode(json));

        assertTrue(message.contains("7B 22"), message);
    }

    @Test
    void shouldRejectRandomBytesAsNotAvro() {
        Random random = new Random(SEED);
        for (int i = 0; i < 1_000; i++) {
            byte[] bytes = new byte[1 + random.nextInt(200)];
            random.nextBytes(bytes);
            if (bytes[0] == (byte) 0xC3) {
                bytes[0] = 0;
            }

            assertRejected(DeadLetterReason.NOT_AVRO, decoder.decode(bytes));
        }
    }

    @Test
    void shouldRejectAnUnknownFingerprintShowingItInHex() {
        byte[] unknown = valid.clone();
        byte[] fingerprint = {0x01, 0x23, 0x45, 0x67, (byte) 0x89, (byte) 0xAB, (byte) 0xCD, (byte) 0xEF};
        System.arraycopy(fingerprint, 0, unknown, 2, fingerprint.length);

        String message = assertRejected(DeadLetterReason.UNKNOWN_SCHEMA, decoder.decode(unknown));

        assertTrue(message.contains("0xefcdab8967452301"), message);
        assertTrue(message.contains(SingleObjectHeader.hex(SingleObjectHeader.fingerprint(decoder.schema()))), message);
    }

    @Test
    void shouldRejectATruncatedBodyAsCorrupt() {
        for (int length = SingleObjectHeader.LENGTH; length < valid.length; length++) {
            byte[] truncated = Arrays.copyOf(valid, length);

            assertRejected(DeadLetterReason.CORRUPT_RECORD, decoder.decode(truncated));
        }
    }

    @Test
    void shouldRejectBytesLeftOverAfterTheRecordAsCorrupt() {
        byte[] longer = Arrays.copyOf(valid, valid.length + 3);

        String message = assertRejected(DeadLetterReason.CORRUPT_RECORD, decoder.decode(longer));

        assertTrue(message.contains("3 of " + longer.length + " bytes left over"), message);
    }

    @Test
    void shouldNeverThrowOnGarbageAfterAValidHeader() {
        Random random = new Random(SEED);
        List<DeadLetterReason> allowed = List.of(DeadLetterReason.CORRUPT_RECORD);
        for (int i = 0; i < 2_000; i++) {
            byte[] garbage = Arrays.copyOf(valid, SingleObjectHeader.LENGTH + random.nextInt(64));
            byte[] body = new byte[garbage.length - SingleObjectHeader.LENGTH];
            random.nextBytes(body);
            System.arraycopy(body, 0, garbage, SingleObjectHeader.LENGTH, body.length);

            DecodeResult<Sample> result = decoder.decode(garbage);

            if (result instanceof DecodeResult.Rejected<Sample> rejected) {
                assertTrue(allowed.contains(rejected.reason()), rejected.toString());
                assertFalse(rejected.message().contains("\n"), rejected.message());
            }
        }
    }

    @Test
    void shouldRejectALengthLargerThanTheValueWithoutAllocatingIt() {
        long claimedIdLength = 1L << 30;
        byte[] value = Arrays.copyOf(valid, SingleObjectHeader.LENGTH + 5);
        long zigZag = claimedIdLength << 1;
        for (int i = SingleObjectHeader.LENGTH; i < value.length; i++, zigZag >>>= 7) {
            value[i] = (byte) ((zigZag & 0x7F) | (zigZag >= 0x80 ? 0x80 : 0));
        }

        String message = assertRejected(DeadLetterReason.CORRUPT_RECORD, decoder.decode(value));

        assertTrue(message.contains("EOFException"), message);
    }

    private static Sample decoded(DecodeResult<Sample> result) {
        return assertInstanceOf(Sample.class, assertInstanceOf(DecodeResult.Decoded.class, result).record());
    }

    /** Asserts the rejection's reason and that its message is one line; returns the message. */
    private static String assertRejected(DeadLetterReason expected, DecodeResult<Sample> result) {
        DecodeResult.Rejected<?> rejected = assertInstanceOf(DecodeResult.Rejected.class, result);
        assertEquals(expected, rejected.reason(), rejected.message());
        assertFalse(rejected.message().isBlank());
        assertFalse(rejected.message().contains("\n"), rejected.message());
        return rejected.message();
    }
}
