// One replica of a replicated model in a task: its durable round state, its base, and the decisions it reads from the sync log.
package io.neurostream.app.topology;

import io.neurostream.app.records.ReplicaKeys;
import io.neurostream.app.state.ReplicaState;
import io.neurostream.app.sync.SyncLog;
import io.neurostream.app.sync.SyncRecord;
import io.neurostream.app.sync.SyncRounds;
import io.neurostream.core.net.Counters;
import io.neurostream.core.net.Network;
import io.neurostream.core.replica.ParameterVector;
import io.neurostream.core.spec.ModelSpec;
import java.time.Duration;
import org.apache.kafka.streams.state.KeyValueStore;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replica {@code shard} of {@code model} (slot and store keys NAME#s). Its round r is the {@code sync_every} batches trained after
 * its base: merged(r−1), or, with overlapped rounds, merged(r−2) plus its own change of round r−1 (round 0: the initial weights,
 * the same on every replica: same spec, same seed). {@link #state} is what the store holds; {@link #rounds} is rebuilt from the
 * sync log from {@code state.cursor()} (just after the decision of {@code state.mergedRound()}) on each load.
 */
final class Replica {
    private static final Logger LOG = LoggerFactory.getLogger(Replica.class);

    final String key;
    final String model;
    final int shard;
    final long spec;
    final int replicas;
    final int syncEvery;
    final DataType dataType;
    /** The spec's sync_overlap: at the end of round r the replica takes merged(r−1) + its own change, not merged(r). */
    final boolean overlap;
    private final KeyValueStore<String, byte[]> kv;
    private final SyncLog log;
    ReplicaState state;
    double[] base;
    /** merged(state.mergedRound()): the base itself when rounds do not overlap. Not to be modified. */
    double[] merged;
    SyncRounds rounds;
    /** Sync bytes read since the last call of {@link #read}. */
    long bytesRead;

    private Replica(String key, ReplicaKeys.Shard shard, ModelSpec spec, KeyValueStore<String, byte[]> kv, SyncLog log) {
        this.key = key;
        this.model = shard.model();
        this.shard = shard.shard();
        this.spec = SyncRecord.fingerprint(spec.json());
        this.replicas = spec.replication().replicas();
        this.syncEvery = spec.replication().syncEvery();
        this.dataType = spec.dataType();
        this.overlap = spec.replication().syncOverlap();
        this.kv = kv;
        this.log = log;
    }

    /**
     * The replica as the store left it; a new one starts at round 0 with the network's current (initial) weights as its base.
     * Its sync log is read again from the stored cursor.
     */
    static Replica open(String key, ReplicaKeys.Shard shard, Network net, KeyValueStore<String, byte[]> kv, SyncLog log) {
        Replica r = new Replica(key, shard, net.spec(), kv, log);
        ReplicaState state = ReplicaState.get(kv, key);
        byte[] stored = ReplicaState.base(kv, key);
        if (state == null || stored == null) {
            r.base = ParameterVector.capture(net);
            ReplicaState.putBase(kv, key, SyncRecord.payload(r.base, r.dataType));
            if (r.overlap) { // merged(−1): its base stops being it at its first round's end
                ReplicaState.putMerged(kv, key, SyncRecord.payload(r.base, r.dataType));
            }
            Counters c = net.counters();
            ReplicaState fresh = ReplicaState.fresh().adopted(0, batches(c), c.samplesTrained());
            state = state == null ? fresh : fresh.held(state.heldFirst(), state.heldNext());
            state.put(kv, key);
        } else {
            r.base = SyncRecord.values(stored, ParameterVector.length(net), r.dataType);
            if (r.base == null) {
                throw new IllegalStateException("replica " + key + ": its stored base does not fit the model's " + ParameterVector.length(net) + " values");
            }
        }
        // none stored: a replica of rounds that did not overlap (or of a store from before sync_overlap), whose base is merged(round − 1)
        byte[] storedMerged = r.overlap ? ReplicaState.merged(kv::get, key) : null;
        r.merged = storedMerged == null ? r.base : SyncRecord.values(storedMerged, r.base.length, r.dataType);
        if (r.merged == null) {
            throw new IllegalStateException("replica " + key + ": its stored merged model does not fit the model's " + r.base.length + " values");
        }
        r.state = state;
        r.rounds = SyncRounds.resume(r.model, r.spec, net.spec().replication(), r.dataType, state.mergedRound(), r.merged, state.members(),
                state.cursor(), state.decidedAt());
        log.seek(state.cursor());
        return r;
    }

    /** Batches trained so far (a skipped step is a batch too): rounds count these. */
    static long batches(Counters c) {
        return c.steps() + c.skippedSteps();
    }

    /**
     * How long a waiting replica's read of the sync log may block (once per wall-clock punctuation): long enough for the
     * consumer to send a fetch and take its answer in the same call. A read that never blocks sees an answer only at the next
     * punctuation, 100 ms later, and a round then waited ~0.6 s instead of ~0.2 s (lenet5, R = 2).
     */
    static final Duration WAITING_READ = Duration.ofMillis(20);

    /**
     * Feeds what the sync log has to the round decisions; a replica that waits for a decision not read yet waits up to
     * {@link #WAITING_READ} for it.
     */
    void read() {
        for (SyncLog.Entry e : log.poll(state.waiting() && rounds.decided() < awaited() ? WAITING_READ : Duration.ZERO)) {
            if (e.value() == null) {
                continue;
            }
            bytesRead += e.value().length;
            SyncRecord record;
            try {
                record = SyncRecord.decode(e.value());
            } catch (IllegalArgumentException bad) {
                LOG.warn("replica {}: sync record at offset {} skipped: {}", key, e.offset(), bad.getMessage());
                continue;
            }
            rounds.accept(e.offset(), record);
        }
    }

    void save() {
        state.put(kv, key);
    }

    /** Whether the round's batches are all trained. */
    boolean roundDone(Network net) {
        return !state.waiting() && batches(net.counters()) - state.stepsAtBase() >= syncEvery;
    }

    /**
     * Whether a decided round is there to apply now: the one it waits for (its round's, or with overlapped rounds the one before),
     * or, at its round's start, a round decided without it (a catch-up).
     */
    boolean decisionDue(Network net, boolean batchEmpty) {
        return rounds.decided() >= (state.waiting() ? awaited() : state.round()) && (state.waiting() || atRoundStart(net, batchEmpty));
    }

    /** The round whose decision a waiting replica waits for (and closes after neurostream.sync.max.wait.ms): its own, or the one before. */
    long awaited() {
        return overlap ? state.round() - 1 : state.round();
    }

    /**
     * With overlapped rounds, the latest decided round up to the one before this replica's, when it is later than the merged model
     * the replica holds: the merged model it takes (plus its own change) at its round's end. Null when there is none, or when this
     * reader no longer has it (rounds decided without the replica ran two ahead: it then catches up to the latest).
     */
    SyncRounds.Point mergedAhead() {
        long round = Math.min(rounds.decided(), state.round() - 1);
        return overlap && round > state.mergedRound() ? rounds.point(round) : null;
    }

    /** Whether it ends its round with merged(round − 1) + its own change: rounds overlap, and it holds that merged model. */
    boolean takesOwnChange() {
        return overlap && state.waiting() && state.mergedRound() == state.round() - 1;
    }

    /** Whether the replica has not trained or taken a sample of its round yet. */
    boolean atRoundStart(Network net, boolean batchEmpty) {
        return !state.waiting() && batchEmpty && batches(net.counters()) == state.stepsAtBase();
    }
}
