// The durable state of one replica of a replicated model: its round, its base, its place in the sync log, its held records.
package io.neurostream.app.state;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keys of replica NAME#s (beside its model keys, {@link ModelStore}): "NAME#s/sync" (this record), "NAME#s/sync/base/manifest"
 * and "NAME#s/sync/base/I" (the base: the weights the replica's round started from, chunked like a snapshot), with overlapped rounds
 * "NAME#s/sync/merged/manifest" and "NAME#s/sync/merged/I" (merged(mergedRound), which differs from the base), "NAME#s/held/SEQ" (the
 * records that came while the replica waited for a round's decision, in arrival order from {@code heldFirst} to
 * {@code heldNext}). Everything is written in the task's transaction, with the input offsets.
 *
 * @param round         the round the replica trains (or, waiting, has contributed to and waits for)
 * @param stepsAtBase   the model's optimizer steps when it adopted its base (the round's batches are counted from there)
 * @param samplesAtBase the model's samples trained when it adopted its base
 * @param waiting       whether the round's contribution is published and its decision not yet applied
 * @param waitingSince  wall-clock time the contribution was published (for neurostream.sync.max.wait.ms)
 * @param closeSent     whether this replica has written a close for the round it waits for
 * @param cursor        where reading the sync log starts again after the decision of round {@code mergedRound} (SyncRounds.Point)
 * @param members       the members of round {@code mergedRound}
 * @param mergedRound   the decided round reading starts after: {@code round − 1} when rounds do not overlap; with overlapped rounds
 *                      the latest decided round up to {@code round − 1} the replica has read (whose merged model it takes, plus
 *                      its own change, at the end of {@code round})
 * @param decidedAt     the offset of the record that decided round {@code mergedRound}
 */
public record ReplicaState(long round, long stepsAtBase, long samplesAtBase, boolean waiting, long waitingSince, boolean closeSent,
                           long cursor, Set<Integer> members, long heldFirst, long heldNext, long mergedRound,
                           long decidedAt) {
    /** Layout 1 had no mergedRound (it was round − 1) nor decidedAt (cursor − 1). */
    private static final byte VERSION = 2;
    /** Key infix of the base's chunks ("NAME#s/sync/base/I") and manifest ("NAME#s/sync/base/manifest"). */
    private static final String BASE = "/sync/base/";
    /** Key infix of the merged model's chunks and manifest, with overlapped rounds. */
    private static final String MERGED = "/sync/merged/";

    public ReplicaState {
        members = Set.copyOf(members);
    }

    public static ReplicaState fresh() {
        return new ReplicaState(0, 0, 0, false, 0, false, 0, Set.of(), 0, 0, -1, -1);
    }

    public boolean holding() {
        return heldNext > heldFirst;
    }

    public ReplicaState waitingSince(long wallClockMillis) {
        return new ReplicaState(round, stepsAtBase, samplesAtBase, true, wallClockMillis, false, cursor, members, heldFirst, heldNext, mergedRound, decidedAt);
    }

    public ReplicaState closed() {
        return new ReplicaState(round, stepsAtBase, samplesAtBase, waiting, waitingSince, true, cursor, members, heldFirst, heldNext, mergedRound, decidedAt);
    }

    /** Took its next base: the replica trains round {@code next} from the model's current counters. */
    public ReplicaState adopted(long next, long steps, long samples) {
        return new ReplicaState(next, steps, samples, false, 0, false, cursor, members, heldFirst, heldNext, mergedRound, decidedAt);
    }

    /** Holds the merged model of round {@code mergedRound} (its members, decided at {@code decidedAt}): reading goes on at {@code cursor}. */
    public ReplicaState merged(long mergedRound, long cursor, long decidedAt, Set<Integer> members) {
        return new ReplicaState(round, stepsAtBase, samplesAtBase, waiting, waitingSince, closeSent, cursor, members, heldFirst, heldNext,
                mergedRound, decidedAt);
    }

    public ReplicaState held(long first, long next) {
        return new ReplicaState(round, stepsAtBase, samplesAtBase, waiting, waitingSince, closeSent, cursor, members, first, next, mergedRound, decidedAt);
    }

    public static ReplicaState get(KeyValueStore<String, byte[]> kv, String replica) {
        return get(kv::get, replica);
    }

    /** The same lookup over any view of the store's keys (tests read the changelog with it). */
    public static ReplicaState get(java.util.function.Function<String, byte[]> kv, String replica) {
        byte[] b = kv.apply(replica + "/sync");
        if (b == null) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(b);
        byte version = in.get();
        if (version != 1 && version != VERSION) {
            throw new IllegalStateException("replica " + replica + ": its sync state has an unknown layout version");
        }
        long round = in.getLong();
        long steps = in.getLong();
        long samples = in.getLong();
        boolean waiting = in.get() != 0;
        long since = in.getLong();
        boolean closeSent = in.get() != 0;
        long cursor = in.getLong();
        long first = in.getLong();
        long next = in.getLong();
        Set<Integer> members = new TreeSet<>();
        for (int n = in.getShort(); n > 0; n--) {
            members.add((int) in.getShort());
        }
        long mergedRound = version == 1 ? round - 1 : in.getLong();
        long decidedAt = version == 1 ? cursor - 1 : in.getLong();
        return new ReplicaState(round, steps, samples, waiting, since, closeSent, cursor, members, first, next, mergedRound, decidedAt);
    }

    public void put(KeyValueStore<String, byte[]> kv, String replica) {
        ByteBuffer out = ByteBuffer.allocate(1 + 8 * 3 + 1 + 8 + 1 + 8 * 3 + 2 + 2 * members.size() + 8 * 2);
        out.put(VERSION).putLong(round).putLong(stepsAtBase).putLong(samplesAtBase).put((byte) (waiting ? 1 : 0)).putLong(waitingSince)
                .put((byte) (closeSent ? 1 : 0)).putLong(cursor).putLong(heldFirst).putLong(heldNext).putShort((short) members.size());
        new TreeSet<>(members).forEach(m -> out.putShort((short) (int) m));
        out.putLong(mergedRound).putLong(decidedAt);
        kv.put(replica + "/sync", out.array());
    }

    /** The base as stored (the bytes of a sync payload), or null when none is. */
    public static byte[] base(KeyValueStore<String, byte[]> kv, String replica) {
        return base(kv::get, replica);
    }

    /** The same lookup over any view of the store's keys (tests read the changelog with it). */
    public static byte[] base(java.util.function.Function<String, byte[]> kv, String replica) {
        return ChunkedBlob.get(kv, replica + BASE + "manifest", replica + BASE);
    }

    public static void putBase(KeyValueStore<String, byte[]> kv, String replica, byte[] payload) {
        ChunkedBlob.put(kv, replica + BASE + "manifest", replica + BASE, payload);
    }

    /** merged(mergedRound) as stored (the bytes of a sync payload), or null when none is (rounds that do not overlap). */
    public static byte[] merged(java.util.function.Function<String, byte[]> kv, String replica) {
        return ChunkedBlob.get(kv, replica + MERGED + "manifest", replica + MERGED);
    }

    public static void putMerged(KeyValueStore<String, byte[]> kv, String replica, byte[] payload) {
        ChunkedBlob.put(kv, replica + MERGED + "manifest", replica + MERGED, payload);
    }

    /** A record held while the replica waits: where it came from, its timestamp, key and value. */
    public record Held(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {}

    public static void putHeld(KeyValueStore<String, byte[]> kv, String replica, long seq, Held held) {
        byte[] topic = held.topic().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int valueLength = held.value() == null ? -1 : held.value().length;
        ByteBuffer out = ByteBuffer.allocate(2 + topic.length + 4 + 8 + 8 + 4 + held.key().length + 4 + Math.max(0, valueLength));
        out.putShort((short) topic.length).put(topic).putInt(held.partition()).putLong(held.offset()).putLong(held.timestamp())
                .putInt(held.key().length).put(held.key()).putInt(valueLength);
        if (held.value() != null) {
            out.put(held.value());
        }
        kv.put(replica + "/held/" + seq, out.array());
    }

    /** Takes the held record with this sequence number out of the store (null if absent). */
    public static Held takeHeld(KeyValueStore<String, byte[]> kv, String replica, long seq) {
        byte[] b = kv.delete(replica + "/held/" + seq);
        if (b == null) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(b);
        byte[] topic = new byte[in.getShort()];
        in.get(topic);
        int partition = in.getInt();
        long offset = in.getLong();
        long timestamp = in.getLong();
        byte[] key = new byte[in.getInt()];
        in.get(key);
        int valueLength = in.getInt();
        byte[] value = null;
        if (valueLength >= 0) {
            value = new byte[valueLength];
            in.get(value);
        }
        return new Held(new String(topic, java.nio.charset.StandardCharsets.UTF_8), partition, offset, timestamp, key, value);
    }

    /** Forgets the replica's sync state and base (a new spec starts it from round 0); held records stay, to be taken in order. */
    public static void deleteSync(KeyValueStore<String, byte[]> kv, String replica) {
        ChunkedBlob.delete(kv, replica + BASE + "manifest", replica + BASE);
        ChunkedBlob.delete(kv, replica + MERGED + "manifest", replica + MERGED);
        kv.delete(replica + "/sync");
    }
}
