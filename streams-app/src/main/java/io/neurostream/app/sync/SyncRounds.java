// Decides the rounds of a replicated model from its sync partition read in order, and computes each round's merged model.
package io.neurostream.app.sync;

import io.neurostream.core.replica.FederatedAverage;
import io.neurostream.core.spec.ModelSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pure function of the sync records of one model, fed in the partition's offset order (read_committed: aborted records never
 * come). Round r's members are fixed at the first record after which either (a) every expected shard's contribution to r is
 * complete, or (b) a close record for r has been read; the members are the shards whose contribution is complete then.
 * expected(0) = all shards; expected(r) = members(r−1) ∪ the shards that wrote any chunk of an already decided round after that
 * decision (late shards rejoin); an empty set counts as all shards (only a close decides such a round). Contributions that
 * complete after their round is decided are ignored for it. merged(r) = FederatedAverage.merge(merged(r−1), members'
 * contributions) with merged(−1) the initial weights. Reading may start again after round r with {@link #resume} at
 * {@link #resumeOffset()}: the offset just after r's decision, or the first record of a later round read before it (with
 * overlapped rounds a replica writes round r+1 once it has read r−1's decision, so r+1's records may precede r's decision);
 * records of rounds up to r at or before the decision's offset are skipped then (they were counted in it), so resuming gives
 * the same rounds as reading from the start.
 */
public final class SyncRounds {
    private static final Logger LOG = LoggerFactory.getLogger(SyncRounds.class);

    /** A decided round: its members and whether a close record (not every expected contribution) decided it. */
    public record Decision(long round, Set<Integer> members, boolean byClose) {}

    /**
     * What {@link #resume} needs to go on from a decided round: merged(round) (not to be modified), its members, the offset to read
     * from again and the offset of the record that decided it.
     */
    public record Point(long round, double[] merged, Set<Integer> members, long resumeOffset, long decidedAt) {}

    private final String model;
    private final long spec;
    private final int replicas;
    /** The spec's sync_learning_rate: the merge moves the model by this times the members' mean change. */
    private final double serverRate;
    private final DataType dataType;
    private long decided;
    private double[] merged;
    private Set<Integer> members;
    private Set<Integer> expected;
    private long resumeOffset;
    private long decidedAt;
    /** The offset of the first record read of each round after the last decided one. */
    private final TreeMap<Long, Long> firstOffsets = new TreeMap<>();
    /** The point of round {@code decided − 1}, once this reader decided it (a replica with overlapped rounds may still need it). */
    private Point previous;
    /** Contributions of undecided rounds being assembled or complete, by round then shard. */
    private final Map<Long, Map<Integer, Assembly>> open = new HashMap<>();
    private final Set<Long> closes = new HashSet<>();
    private final List<Decision> recent = new ArrayList<>();

    private SyncRounds(String model, long spec, ModelSpec.Replication replication, DataType dataType, long decided, double[] merged,
                       Set<Integer> members, long resumeOffset, long decidedAt) {
        this.model = model;
        this.spec = spec;
        this.replicas = replication.replicas();
        this.serverRate = replication.syncLearningRate();
        this.dataType = dataType;
        this.decided = decided;
        this.merged = merged.clone();
        this.members = Set.copyOf(members);
        this.expected = expectedAfter(this.members);
        this.resumeOffset = resumeOffset;
        this.decidedAt = decidedAt;
    }

    /** Before round 0: merged(−1) is the initial weights; reading starts at {@code fromOffset}. */
    public static SyncRounds start(String model, long spec, ModelSpec.Replication replication, DataType dataType, double[] initial, long fromOffset) {
        return new SyncRounds(model, spec, replication, dataType, -1, initial, Set.of(), fromOffset, fromOffset - 1);
    }

    /**
     * After round {@code decided} with these members and merged weights, decided by the record at {@code decidedAt}, reading from
     * {@code resumeOffset} (a {@link Point}'s).
     */
    public static SyncRounds resume(String model, long spec, ModelSpec.Replication replication, DataType dataType, long decided,
                                    double[] merged, Set<Integer> members, long resumeOffset, long decidedAt) {
        return new SyncRounds(model, spec, replication, dataType, decided, merged, members, resumeOffset, decidedAt);
    }

    /** The next sync record of the partition at {@code offset}; records of other models (or of an earlier spec) are skipped. */
    public void accept(long offset, SyncRecord record) {
        if (!record.model().equals(model) || record.spec() != spec || record.shard() >= replicas) {
            return;
        }
        long round = record.round();
        if (round <= decided) {
            if (offset <= decidedAt) {
                return; // read again after a resume: it was counted when the round was decided
            }
            if (record instanceof SyncRecord.Chunk) {
                expected = expected.size() == replicas && members.isEmpty() ? new TreeSet<>(Set.of(record.shard())) : with(expected, record.shard());
            }
            return;
        }
        if (record instanceof SyncRecord.Close) {
            closes.add(round);
            firstOffsets.putIfAbsent(round, offset);
        } else {
            SyncRecord.Chunk chunk = (SyncRecord.Chunk) record;
            if (chunk.values() != merged.length || chunk.count() != SyncRecord.chunks(chunk.values(), chunk.dataType())) {
                // never joins into a delta of this model; checked before anything is allocated for its count of chunks
                LOG.warn("model {}: a round {} chunk of shard {} ({} of {}, {} values) does not fit the model's {} values; ignored", model,
                        round, chunk.shard(), chunk.index(), chunk.count(), chunk.values(), merged.length);
                return;
            }
            firstOffsets.putIfAbsent(round, offset);
            Map<Integer, Assembly> shards = open.computeIfAbsent(round, r -> new HashMap<>());
            Assembly assembly = shards.get(chunk.shard());
            if (assembly == null || (!assembly.complete() && chunk.index() == 0)) {
                assembly = new Assembly(chunk);
                shards.put(chunk.shard(), assembly);
            }
            assembly.add(chunk);
        }
        while (decideNext(offset)) {
            // a decision can make the next round decidable at once (its close or contributions already read)
        }
    }

    private static Set<Integer> with(Set<Integer> set, int shard) {
        Set<Integer> out = new TreeSet<>(set);
        out.add(shard);
        return out;
    }

    private boolean decideNext(long offset) {
        long round = decided + 1;
        Map<Integer, Assembly> shards = open.getOrDefault(round, Map.of());
        boolean byClose = closes.contains(round);
        boolean allExpected = expected.stream().allMatch(s -> shards.containsKey(s) && shards.get(s).complete());
        if (!byClose && !allExpected) {
            return false;
        }
        List<FederatedAverage.Contribution> contributions = new ArrayList<>();
        Set<Integer> in = new TreeSet<>();
        for (Map.Entry<Integer, Assembly> e : new TreeMap<>(shards).entrySet()) {
            if (e.getValue().complete()) {
                contributions.add(new FederatedAverage.Contribution(e.getKey(), e.getValue().samples, e.getValue().delta));
                in.add(e.getKey());
            }
        }
        previous = new Point(decided, merged, members, resumeOffset, decidedAt);
        merged = FederatedAverage.merge(merged, contributions, dataType, serverRate);
        members = Set.copyOf(in);
        expected = expectedAfter(members);
        decided = round;
        firstOffsets.headMap(round, true).clear();
        resumeOffset = Math.min(offset + 1, firstOffsets.values().stream().min(Long::compare).orElse(Long.MAX_VALUE));
        decidedAt = offset;
        open.remove(round);
        closes.remove(round);
        recent.add(new Decision(round, new TreeSet<>(in), byClose && !allExpected));
        return true;
    }

    private Set<Integer> expectedAfter(Set<Integer> members) {
        if (!members.isEmpty()) {
            return new TreeSet<>(members);
        }
        Set<Integer> all = new TreeSet<>();
        for (int s = 0; s < replicas; s++) {
            all.add(s);
        }
        return all;
    }

    /** The last decided round (−1: none yet). */
    public long decided() {
        return decided;
    }

    /** merged(decided()): the weights every replica adopts after that round. */
    public double[] merged() {
        return merged.clone();
    }

    /**
     * The point of {@code round} if it is the last decided round or the one before, as decided by this reader (a reader resumed
     * at a round knows nothing before it); else null.
     */
    public Point point(long round) {
        if (round == decided) {
            return new Point(decided, merged, members, resumeOffset, decidedAt);
        }
        return previous != null && previous.round() == round ? previous : null;
    }

    /** The members of the last decided round (empty before round 0). */
    public Set<Integer> members() {
        return members;
    }

    /** The shards whose contributions decide the next round without a close. */
    public Set<Integer> expected() {
        return Set.copyOf(expected);
    }

    /** Where reading again with {@link #resume} after the last decided round starts: it gives the same rounds. */
    public long resumeOffset() {
        return resumeOffset;
    }

    /** The offset of the record that decided the last round. */
    public long decidedAt() {
        return decidedAt;
    }

    /** The rounds decided since the last call, in order. */
    public List<Decision> drainDecisions() {
        List<Decision> out = List.copyOf(recent);
        recent.clear();
        return out;
    }

    /** One shard's contribution to one round, chunk by chunk. */
    private final class Assembly {
        private final int count;
        private final long samples;
        private final DataType width;
        private final int values;
        private final byte[] sha;
        private final byte[][] parts;
        private int received;
        private double[] delta; // set once every chunk is in and the payload reads back

        Assembly(SyncRecord.Chunk first) {
            this.count = first.count();
            this.samples = first.samples();
            this.width = first.dataType();
            this.values = first.values();
            this.sha = first.sha256();
            this.parts = new byte[count][];
        }

        void add(SyncRecord.Chunk chunk) {
            if (received == count || chunk.count() != count || chunk.samples() != samples || !Arrays.equals(chunk.sha256(), sha) || parts[chunk.index()] != null) {
                return; // a chunk of another contribution, or again: the first one read counts
            }
            parts[chunk.index()] = chunk.data();
            received++;
            if (received == count && (delta = join()) == null) {
                LOG.warn("model {}: the round {} contribution of shard {} does not read back (its checksum); ignored", model, chunk.round(),
                        chunk.shard());
            }
        }

        boolean complete() {
            return delta != null;
        }

        /** The delta, or null when the chunks do not join into the payload their checksum names or its length does not fit the model. */
        private double[] join() {
            long size = 0;
            for (byte[] p : parts) {
                size += p.length;
            }
            if (size > Integer.MAX_VALUE) {
                return null;
            }
            ByteBuffer payload = ByteBuffer.allocate((int) size);
            for (byte[] p : parts) {
                payload.put(p);
            }
            return Arrays.equals(SyncRecord.sha256(payload.array()), sha) ? SyncRecord.values(payload.array(), values, width) : null;
        }
    }
}
