// Supplies a new training processor per task and declares the model state store it owns.
package io.neurostream.app.topology;

import io.neurostream.app.metrics.NeurostreamMetrics;
import io.neurostream.app.state.ModelStore;
import io.neurostream.app.sync.SyncLog;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The store is persistent (RocksDB) and logged to a compacted changelog topic. It is not cached:
 * nearly every write is a journal entry under a key not written again before the ring comes
 * round, so a cache would only add its bookkeeping ({@code bench pipeline} compares).
 */
final class TrainingProcessorSupplier implements ProcessorSupplier<byte[], byte[], byte[], byte[]> {
    private final ProcessorSettings settings;
    private final NeurostreamMetrics metrics;
    private final SyncLog.Factory syncLogs;

    TrainingProcessorSupplier(ProcessorSettings settings, NeurostreamMetrics metrics, SyncLog.Factory syncLogs) {
        this.settings = settings;
        this.metrics = metrics;
        this.syncLogs = syncLogs;
    }

    @Override
    public Processor<byte[], byte[], byte[], byte[]> get() {
        return new TrainingProcessor(settings, metrics, syncLogs);
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ModelStore.NAME), Serdes.String(), Serdes.ByteArray())
                .withCachingDisabled());
    }
}
