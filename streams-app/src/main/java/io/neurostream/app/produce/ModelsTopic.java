// What the compacted models topic holds for one model (its spec keys and initial-weight chunks, partition by partition), and which of them a new placement must tombstone.
package io.neurostream.app.produce;

import io.neurostream.app.clients.TopicScan;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.records.ReplicaKeys;
import io.neurostream.app.runtime.ClientSettings;
import io.neurostream.app.serde.DecodeResult;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.topology.Topics;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.SpecException;
import io.neurostream.schemas.ModelSpecRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * A model's records on the models topic are its <em>spec keys</em> — {@code NAME} (not replicated, in the partition of its source)
 * or {@code NAME#s} (shard s of a replicated model, in partition {@link ReplicaKeys#partition}) — and its <em>chunk keys</em>
 * {@code SPECKEY/init/I} (initial weights written with the spec of that key, in its partition). Compaction keeps the newest record
 * per key and partition, so a record written under a key or to a partition that a later spec no longer uses would live on, and
 * a reprocessing application would start a stale replica from it: a new placement tombstones what it does not reuse
 * ({@link #tombstones}). {@link #read} is a bounded read, with read_committed, of every partition up to its end offsets (the last
 * stable offsets, waited for until they reach the high watermarks: see {@link #committedEnd}).
 */
public final class ModelsTopic {
    private static final String INIT = "/init/";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** How long a read waits for the commit markers of a transaction that is committed but not yet marked. */
    private static final Duration SETTLE = Duration.ofSeconds(10);

    private ModelsTopic() {}

    /** A key in one partition. */
    public record KeyAt(String key, int partition) {
        static final Comparator<KeyAt> ORDER = Comparator.comparing(KeyAt::key).thenComparingInt(KeyAt::partition);

        /** The spec key this key belongs to: itself, or the key before {@code /init/} of a chunk key. */
        String specKey() {
            int at = key.indexOf(INIT);
            return at < 0 ? key : key.substring(0, at);
        }

        /** The chunk index of a chunk key, or -1 for a spec key. */
        int chunk() {
            int at = key.indexOf(INIT);
            return at < 0 ? -1 : Integer.parseInt(key.substring(at + INIT.length()));
        }

        @Override
        public String toString() {
            return key + "@" + partition;
        }
    }

    /** The newest committed records of one model's keys that are not tombstones: value and record timestamp. */
    public record Current(String model, Map<KeyAt, byte[]> live, Map<KeyAt, Long> timestamps) {
        public Set<KeyAt> keys() {
            return live.keySet();
        }

        /**
         * The model's spec as the newest of its spec records says (by record timestamp; a record that does not decode or parse is
         * skipped), or empty when the topic holds none.
         */
        public Optional<ModelSpec> spec() {
            ModelSpec newest = null;
            long newestAt = Long.MIN_VALUE;
            for (Map.Entry<KeyAt, byte[]> e : live.entrySet()) {
                if (e.getKey().chunk() >= 0 || timestamps.get(e.getKey()) < newestAt) {
                    continue;
                }
                if (NeurostreamSerdes.modelSpec().decoder().decode(e.getValue()) instanceof DecodeResult.Decoded<ModelSpecRecord> ok) {
                    try {
                        newest = ModelSpec.parse(ok.record().getSpecJson());
                        newestAt = timestamps.get(e.getKey());
                    } catch (SpecException unreadable) {
                        // a spec the application dead-letters as well: not this model's spec
                    }
                }
            }
            return Optional.ofNullable(newest);
        }
    }

    /** Whether a models-topic key is one of this model's: {@code NAME}, {@code NAME#s}, or a chunk key of either. */
    public static boolean belongsTo(String key, String model) {
        String specKey = new KeyAt(key, 0).specKey();
        if (specKey.equals(model)) {
            return true;
        }
        try {
            ReplicaKeys.Shard shard = ReplicaKeys.parse(specKey);
            return shard != null && shard.model().equals(model);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    /** The spec keys a spec is written under among {@code partitions} partitions of the models topic. */
    public static List<KeyAt> placement(ModelSpec spec, int partitions) {
        int replicas = spec.replication().replicas();
        if (!spec.replication().replicated()) {
            return List.of(new KeyAt(spec.name(), ModelSpecPublisher.partition(spec, partitions)));
        }
        List<KeyAt> keys = new ArrayList<>(replicas);
        for (int s = 0; s < replicas; s++) {
            String key = ReplicaKeys.key(spec.name(), s);
            keys.add(new KeyAt(key, ReplicaKeys.partition(key, partitions)));
        }
        return keys;
    }

    /**
     * The old keys a new placement does not reuse, in key order: every spec key not in {@code specKeys}, with its chunk keys;
     * and, when the new spec comes with {@code initChunks} > 0 chunks per spec key, the old chunks of an index beyond them (the
     * others are overwritten). Without new chunks, the old chunks of a reused spec key stay (a spec written again, e.g. by
     * {@code models publish}, keeps the initial weights it was created with).
     */
    public static List<KeyAt> tombstones(Set<KeyAt> old, List<KeyAt> specKeys, int initChunks) {
        Set<KeyAt> kept = new LinkedHashSet<>(specKeys);
        return old.stream()
                .filter(k -> !kept.contains(new KeyAt(k.specKey(), k.partition())) || (initChunks > 0 && k.chunk() >= initChunks))
                .sorted(KeyAt.ORDER)
                .toList();
    }

    /** The model's committed records on the models topic, read from every partition's beginning to its end offset. */
    public static Current read(NeurostreamConfig config, String model) {
        String topic = new Topics(config.string(NeurostreamConfig.TOPIC_PREFIX)).models();
        Map<KeyAt, byte[]> live = new TreeMap<>(KeyAt.ORDER);
        Map<KeyAt, Long> timestamps = new HashMap<>();
        try (TopicScan scan = new TopicScan(ClientSettings.consumer(config, "neurostream-models-reader"), topic)) {
            if (!scan.start(TIMEOUT, true)) {
                return new Current(model, live, timestamps);
            }
            scan.readUpTo(committedEnd(config, scan));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!scan.caughtUp()) {
                if (System.nanoTime() > deadline) {
                    throw new org.apache.kafka.common.errors.TimeoutException("could not read topic " + topic + " to its end " + scan.end() + " in " + TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> r : scan.poll(Duration.ofMillis(200))) {
                    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                    if (key == null || !belongsTo(key, model) || !wellFormed(key)) {
                        continue;
                    }
                    KeyAt at = new KeyAt(key, r.partition());
                    if (r.value() == null) {
                        live.remove(at);
                        timestamps.remove(at);
                    } else {
                        live.put(at, r.value());
                        timestamps.put(at, r.timestamp());
                    }
                }
            }
        }
        return new Current(model, live, timestamps);
    }

    /**
     * The end offsets to read to: the last stable offsets, once they reach the high watermarks. A transaction's commit returns
     * before its markers are written, so right after a {@code models create} the last stable offset can still stand before its
     * records; it is waited for, up to {@link #SETTLE}, so that a command run right after another sees what that one wrote. A
     * transaction still open after that (another writer's) is not waited for: its records are not committed yet.
     */
    private static Map<TopicPartition, Long> committedEnd(NeurostreamConfig config, TopicScan scan) {
        List<TopicPartition> partitions = scan.partitions();
        Map<TopicPartition, Long> stable = new HashMap<>(scan.end());
        Map<TopicPartition, Long> high = new HashMap<>();
        try (Admin admin = Admin.create(ClientSettings.admin(config, "neurostream-models-reader"))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
            admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((p, info) -> high.put(p, info.offset()));
        } catch (ExecutionException | TimeoutException e) {
            return stable; // the committed records so far are all a read_committed reader can take anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return stable;
        }
        long settleUntil = System.nanoTime() + SETTLE.toNanos();
        while (partitions.stream().anyMatch(p -> stable.get(p) < high.getOrDefault(p, 0L)) && System.nanoTime() < settleUntil) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            stable.putAll(scan.endOffsets(TIMEOUT));
        }
        return stable;
    }

    /** A chunk key's index is a number (the application dead-letters others; they are not tombstoned either). */
    private static boolean wellFormed(String key) {
        int at = key.indexOf(INIT);
        return at < 0 || key.substring(at + INIT.length()).matches("0|[1-9][0-9]{0,8}");
    }
}
