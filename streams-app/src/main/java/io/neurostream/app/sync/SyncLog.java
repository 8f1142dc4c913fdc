// The sync partition of one model as a replica reads it: in offset order, committed records only.
package io.neurostream.app.sync;

import java.time.Duration;
import java.util.List;

/**
 * Kafka's is {@link KafkaSyncLog}; tests feed one from the sync topic of a TopologyTestDriver. Records of other models in the
 * same partition may be returned: {@link SyncRounds} skips them.
 */
public interface SyncLog extends AutoCloseable {
    /** A record of the sync partition: its offset and value. */
    record Entry(long offset, byte[] value) {}

    /** Reads from this offset on (0: the beginning of what the partition retains). */
    void seek(long offset);

    /**
     * The records after the last one returned, in offset order; empty when none came within {@code maxWait} (ZERO: never
     * blocks, returns what has arrived).
     */
    List<Entry> poll(Duration maxWait);

    @Override
    void close();

    /** Opens the sync log of a model (the partition all of its sync records go to). */
    interface Factory {
        SyncLog open(String model);
    }

    /** No sync log: opening one fails with a one-line reason (a replicated model is then quarantined with it). */
    Factory NONE = model -> {
        throw new IllegalStateException("model " + model + " is replicated, and this topology reads no sync topic");
    };
}
