// The journal's entry format: each kind reads back, the type bytes of stores written before the close entry still read, an unknown type is one line.
package io.neurostream.app.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class JournalEntryTest {
    @Test
    void shouldReadBackEveryKindWithItsTypeByte() {
        byte[] avro = {1, 2, 3};
        JournalEntry sample = JournalEntry.decode(JournalEntry.sample(7, 100, avro).encode());
        assertEquals(JournalEntry.Kind.SAMPLE, sample.kind());
        assertEquals(7, sample.seq());
        assertEquals(100, sample.timestamp());
        assertArrayEquals(avro, sample.sample());
        for (JournalEntry e : new JournalEntry[] {JournalEntry.flush(8, 200), JournalEntry.close(9, 300)}) {
            JournalEntry back = JournalEntry.decode(e.encode());
            assertEquals(e.kind(), back.kind());
            assertEquals(e.seq(), back.seq());
            assertEquals(e.timestamp(), back.timestamp());
            assertNull(back.sample());
        }
        // the types stores already hold: 1 sample, 2 flush; the close is 3
        assertEquals(1, JournalEntry.sample(0, 0, avro).encode()[0]);
        assertEquals(2, JournalEntry.flush(0, 0).encode()[0]);
        assertEquals(3, JournalEntry.close(0, 0).encode()[0]);
        assertEquals(4, JournalEntry.labelled(0, 0, new byte[0], 0.5, true).encode()[0]);
    }

    @Test
    void shouldKeepALabelledEntrysScoreBitForBit() {
        byte[] avro = {5, 6, 7};
        double loss = Math.nextUp(0.1);
        JournalEntry e = JournalEntry.decode(JournalEntry.labelled(21, 400, avro, loss, true).encode());
        assertEquals(JournalEntry.Kind.LABELLED, e.kind());
        assertEquals(21, e.seq());
        assertEquals(400, e.timestamp());
        assertEquals(Double.doubleToRawLongBits(loss), Double.doubleToRawLongBits(e.loss()));
        assertTrue(e.correct());
        assertArrayEquals(avro, e.sample());
    }

    @Test
    void shouldRefuseAnUnknownTypeInOneLine() {
        byte[] bytes = ByteBuffer.allocate(17).put((byte) 5).putLong(12).putLong(0).array();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> JournalEntry.decode(bytes));
        assertEquals("journal entry 12 has unknown type 5", e.getMessage());
    }
}
