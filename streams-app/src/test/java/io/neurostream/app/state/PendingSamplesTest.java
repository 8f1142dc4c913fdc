// The queue of samples waiting for a delayed label: expiry by stream time past the holes labels leave, eviction, remembered expired ids, reopening.
package io.neurostream.app.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class PendingSamplesTest {
    private static final float[] OUT = {0.25f, 0.75f};

    private static KeyValueStore<String, byte[]> store() {
        KeyValueStore<String, byte[]> kv = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ModelStore.NAME), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
        kv.init(context.getStateStoreContext(), kv);
        return kv;
    }

    private static void keep(PendingSamples p, String id, long t) {
        p.advance(t);
        assertEquals(0, p.keep(id, t, 7, OUT, new byte[] {1, 2, 3}));
    }

    @Test
    void shouldExpireTheOldestPastTheHolesOfLabelledSamples() {
        PendingSamples p = PendingSamples.open(store(), "m", 100, 10);
        keep(p, "a", 0);
        keep(p, "b", 10);
        keep(p, "c", 20);
        p.remove(p.find("a")); // a hole at the head
        PendingSamples.Kept b = p.find("b");
        assertEquals(7, b.modelStep());
        assertArrayEquals(OUT, b.outputs());
        assertArrayEquals(new byte[] {1, 2, 3}, b.sample());

        assertEquals(0, p.advance(110), "b waited exactly 100");
        assertEquals(1, p.advance(111), "b waited more");
        assertNull(p.find("b"));
        assertTrue(p.wasExpired("b"));
        assertFalse(p.wasExpired("a"), "a was labelled, not expired");
        assertNotNull(p.find("c"));
        assertEquals(1, p.count());
        assertEquals(1, p.applied());
        assertEquals(1, p.expired());
    }

    @Test
    void shouldEvictBeyondTheBoundAndRememberOnlyTheLastExpiredIds() {
        PendingSamples p = PendingSamples.open(store(), "m", 1_000_000, 2);
        keep(p, "a", 0);
        keep(p, "b", 1);
        p.advance(2);
        assertEquals(1, p.keep("c", 2, 0, OUT, new byte[0]), "a is evicted");
        p.advance(3);
        assertEquals(1, p.keep("d", 3, 0, OUT, new byte[0]), "then b");
        p.advance(4);
        assertEquals(1, p.keep("e", 4, 0, OUT, new byte[0]), "then c; a is forgotten");
        assertFalse(p.wasExpired("a"));
        assertTrue(p.wasExpired("b"));
        assertTrue(p.wasExpired("c"));
        assertEquals(-1, p.keep("d", 5, 0, OUT, new byte[0]), "d already waits");
        assertEquals(2, p.count());
    }

    @Test
    void shouldKeepAnIdAgainAfterItExpiredAndNotForgetTheNewOne() {
        PendingSamples p = PendingSamples.open(store(), "m", 10, 1);
        keep(p, "a", 0);
        assertEquals(1, p.advance(11));
        keep(p, "a", 12); // the id comes back
        assertNotNull(p.find("a"));
        assertEquals(1, p.advance(23)); // the second a expires; forgetting the first one's mark leaves the second's
        assertTrue(p.wasExpired("a"));
    }

    @Test
    void shouldReopenWhereItStood() {
        KeyValueStore<String, byte[]> kv = store();
        PendingSamples p = PendingSamples.open(kv, "m", 100, 10);
        keep(p, "a", 0);
        keep(p, "b", 50);
        p.remove(p.find("a"));
        PendingSamples again = PendingSamples.open(kv, "m", 100, 10);
        assertEquals(1, again.count());
        assertEquals(50, again.streamTime());
        assertEquals(1, again.applied());
        assertEquals(1, again.advance(151), "the restored queue expires b at the same record");
        assertTrue(again.wasExpired("b"));
        assertEquals(0, PendingSamples.open(kv, "other", 100, 10).count(), "models do not share a queue");
    }
}
