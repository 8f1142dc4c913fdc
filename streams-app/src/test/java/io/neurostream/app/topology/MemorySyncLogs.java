// The sync topic of TopologyTestDrivers kept in memory, in order, and read by each replica as its sync log (across restarts).
package io.neurostream.app.topology;

import io.neurostream.app.sync.SyncLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.streams.TestOutputTopic;

/** One partition holds every model's records here (the driver's sync topic has one); {@link #from} points it at the current driver. */
final class MemorySyncLogs implements SyncLog.Factory {
    private final List<byte[]> records = new ArrayList<>();
    private Supplier<List<byte[]>> source = List::of;
    /** How long each read was allowed to block, in order (a waiting replica may block, one that trains may not). */
    final List<Duration> waits = new ArrayList<>();

    /** Reads what the driver's sync topic gets from now on (after a restart, the new driver's). */
    void from(TestOutputTopic<byte[], byte[]> sync) {
        source = sync::readValuesToList;
    }

    /** Every sync record so far, in order. */
    List<byte[]> records() {
        records.addAll(source.get());
        return records;
    }

    @Override
    public SyncLog open(String model) {
        return new SyncLog() {
            private int next;

            @Override
            public void seek(long offset) {
                next = Math.toIntExact(offset);
            }

            @Override
            public List<Entry> poll(Duration maxWait) {
                waits.add(maxWait);
                List<byte[]> all = records();
                List<Entry> out = new ArrayList<>();
                for (; next < all.size(); next++) {
                    out.add(new Entry(next, all.get(next)));
                }
                return out;
            }

            @Override
            public void close() {}
        };
    }
}
