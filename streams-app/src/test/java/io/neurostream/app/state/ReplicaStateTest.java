// A replica's durable round state: its layout reads back, and a layout-1 record (before overlapped rounds) still reads.
package io.neurostream.app.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class ReplicaStateTest {
    @Test
    void readsBackWhatItWrote() {
        ReplicaState state = new ReplicaState(7, 70, 2_240, true, 123, true, 456, Set.of(0, 2), 3, 9, 5, 450);
        KeyValueStore<String, byte[]> kv = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ModelStore.NAME), Serdes.String(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        kv.init(new MockProcessorContext<byte[], byte[]>().getStateStoreContext(), kv);
        state.put(kv, "m#1");
        assertEquals(state, ReplicaState.get(kv, "m#1"));
    }

    @Test
    void aLayoutOneRecordReadsAsTheRoundsOfABarrier() {
        // layout 1: no mergedRound (round − 1: the base was merged(round − 1)), no decidedAt (the cursor was just after it)
        ByteBuffer v1 = ByteBuffer.allocate(1 + 8 * 3 + 1 + 8 + 1 + 8 * 3 + 2 + 2);
        v1.put((byte) 1).putLong(4).putLong(40).putLong(1_280).put((byte) 0).putLong(0).put((byte) 0).putLong(33).putLong(2).putLong(2)
                .putShort((short) 1).putShort((short) 0);
        Map<String, byte[]> store = new HashMap<>();
        store.put("m#0/sync", v1.array());
        assertEquals(new ReplicaState(4, 40, 1_280, false, 0, false, 33, Set.of(0), 2, 2, 3, 32), ReplicaState.get(store::get, "m#0"));
    }
}
