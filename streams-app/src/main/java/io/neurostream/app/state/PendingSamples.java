// The samples of one model that wait for their label (delayed labels): a queue of kept predictions in the model state store.
package io.neurostream.app.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keys, beside the model's other state in {@link ModelStore#NAME} (changelogged, in the task's transaction):
 * <ul>
 *   <li>{@code MODEL/labels/head}: the queue's bounds, the live count, the model's stream time and the totals;</li>
 *   <li>{@code MODEL/labels/p/SEQ}: a kept sample ({@link Kept}), SEQ counting kept samples in arrival order;</li>
 *   <li>{@code MODEL/labels/id/ID}: where the sample of that id is: pending at SEQ, or expired (remembered at XSEQ);</li>
 *   <li>{@code MODEL/labels/x/XSEQ}: the id of an expired sample, so its label is told {@code LABEL_EXPIRED} rather than
 *       {@code UNKNOWN_SAMPLE}; the last {@code maxPending} expired ids are remembered.</li>
 * </ul>
 * Only point lookups: the queue's head moves past the holes that labelled samples leave (each once). Time is the model's
 * stream time, the largest record timestamp of its samples and labels so far (kept here): a sample expires when that passes
 * its arrival's stream time by more than {@code maxDelayMillis}. Arrival stream times never decrease along the queue, so the
 * oldest sample is always the first to expire, and a replay of the same input expires the same samples at the same records.
 * Beyond {@code maxPending} kept samples the oldest is evicted, and counted as expired.
 */
public final class PendingSamples {
    private static final byte VERSION = 1;
    private static final byte PENDING = 1;
    private static final byte EXPIRED = 2;
    private static final long UNKNOWN = Long.MIN_VALUE;

    /** A kept sample: its record timestamp, its arrival's stream time, the model step and outputs of its prediction, its Avro bytes. */
    public record Kept(String id, long seq, long timestamp, long arrival, long modelStep, float[] outputs, byte[] sample) {
        byte[] encode() {
            byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
            ByteBuffer out = ByteBuffer.allocate(1 + 4 + idBytes.length + 8 * 3 + 4 + 4 * outputs.length + sample.length);
            out.put(VERSION).putInt(idBytes.length).put(idBytes).putLong(timestamp).putLong(arrival).putLong(modelStep).putInt(outputs.length);
            for (float v : outputs) {
                out.putFloat(v);
            }
            return out.put(sample).array();
        }

        static Kept decode(String model, long seq, byte[] bytes) {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (in.get() != VERSION) {
                throw new IllegalStateException("model " + model + ": unreadable pending sample " + seq);
            }
            byte[] id = new byte[in.getInt()];
            in.get(id);
            long timestamp = in.getLong();
            long arrival = in.getLong();
            long step = in.getLong();
            float[] outputs = new float[in.getInt()];
            for (int i = 0; i < outputs.length; i++) {
                outputs[i] = in.getFloat();
            }
            byte[] sample = new byte[in.remaining()];
            in.get(sample);
            return new Kept(new String(id, StandardCharsets.UTF_8), seq, timestamp, arrival, step, outputs, sample);
        }
    }

    private final KeyValueStore<String, byte[]> kv;
    private final String model;
    private final long maxDelayMillis;
    private final int maxPending;
    private final String prefix;
    private long firstSeq;
    private long nextSeq;
    private long count;
    private long firstExpiredSeq;
    private long nextExpiredSeq;
    private long streamTime;
    private long expired;
    private long applied;
    private long oldestArrival = UNKNOWN; // arrival of the queue's head, when known (not stored: found again after a restore)

    private PendingSamples(KeyValueStore<String, byte[]> kv, String model, long maxDelayMillis, int maxPending) {
        this.kv = kv;
        this.model = model;
        this.maxDelayMillis = maxDelayMillis;
        this.maxPending = maxPending;
        this.prefix = model + "/labels/";
        this.streamTime = Long.MIN_VALUE;
    }

    /** The model's pending samples as the store holds them (none yet: an empty queue). */
    public static PendingSamples open(KeyValueStore<String, byte[]> kv, String model, long maxDelayMillis, int maxPending) {
        PendingSamples p = new PendingSamples(kv, model, maxDelayMillis, maxPending);
        byte[] head = kv.get(p.prefix + "head");
        if (head != null) {
            ByteBuffer in = ByteBuffer.wrap(head);
            if (head.length != 1 + 8 * 8 || in.get() != VERSION) {
                throw new IllegalStateException("model " + model + ": unreadable pending-samples head (" + head.length + " bytes)");
            }
            p.firstSeq = in.getLong();
            p.nextSeq = in.getLong();
            p.count = in.getLong();
            p.firstExpiredSeq = in.getLong();
            p.nextExpiredSeq = in.getLong();
            p.streamTime = in.getLong();
            p.expired = in.getLong();
            p.applied = in.getLong();
        }
        return p;
    }

    private void writeHead() {
        kv.put(prefix + "head", ByteBuffer.allocate(1 + 8 * 8).put(VERSION).putLong(firstSeq).putLong(nextSeq).putLong(count)
                .putLong(firstExpiredSeq).putLong(nextExpiredSeq).putLong(streamTime).putLong(expired).putLong(applied).array());
    }

    /**
     * A record of the model stamped {@code timestamp} arrived: the stream time moves to it if later, and the samples whose
     * wait is over expire. Returns how many expired.
     */
    public int advance(long timestamp) {
        if (timestamp <= streamTime) {
            return 0;
        }
        streamTime = timestamp;
        int n = 0;
        while (count > 0 && overdue()) {
            expireHead();
            n++;
        }
        writeHead();
        return n;
    }

    private boolean overdue() {
        if (oldestArrival == UNKNOWN) {
            oldestArrival = head().arrival();
        }
        return streamTime - oldestArrival > maxDelayMillis;
    }

    /** The oldest kept sample (count > 0), past the holes labelled samples left. */
    private Kept head() {
        for (; firstSeq < nextSeq; firstSeq++) {
            byte[] b = kv.get(pKey(firstSeq));
            if (b != null) {
                return Kept.decode(model, firstSeq, b);
            }
        }
        throw new IllegalStateException("model " + model + ": " + count + " pending samples counted, none stored");
    }

    private void expireHead() {
        Kept oldest = head();
        kv.delete(pKey(oldest.seq()));
        kv.put(idKey(oldest.id()), location(EXPIRED, nextExpiredSeq));
        kv.put(xKey(nextExpiredSeq), oldest.id().getBytes(StandardCharsets.UTF_8));
        nextExpiredSeq++;
        firstSeq++;
        count--;
        expired++;
        oldestArrival = UNKNOWN;
        while (nextExpiredSeq - firstExpiredSeq > maxPending) {
            forgetExpired(firstExpiredSeq++);
        }
    }

    private void forgetExpired(long xseq) {
        byte[] id = kv.get(xKey(xseq));
        kv.delete(xKey(xseq));
        if (id != null) {
            String key = idKey(new String(id, StandardCharsets.UTF_8));
            byte[] at = kv.get(key);
            if (at != null && at[0] == EXPIRED && ByteBuffer.wrap(at, 1, 8).getLong() == xseq) {
                kv.delete(key); // unless the id was used again by a later sample
            }
        }
    }

    /**
     * Keeps a predicted sample until its label arrives; false (nothing kept) when a sample of that id is already pending.
     * Returns -1 for that, else how many of the oldest were evicted to stay within {@code maxPending} (each counted as expired).
     */
    public int keep(String id, long timestamp, long modelStep, float[] outputs, byte[] sample) {
        byte[] at = kv.get(idKey(id));
        if (at != null && at[0] == PENDING) {
            return -1;
        }
        long arrival = Math.max(streamTime, timestamp);
        streamTime = arrival;
        Kept kept = new Kept(id, nextSeq, timestamp, arrival, modelStep, outputs, sample);
        kv.put(pKey(nextSeq), kept.encode());
        kv.put(idKey(id), location(PENDING, nextSeq));
        if (count == 0) {
            firstSeq = nextSeq;
            oldestArrival = arrival;
        }
        nextSeq++;
        count++;
        int evicted = 0;
        while (count > maxPending) {
            expireHead();
            evicted++;
        }
        writeHead();
        return evicted;
    }

    /** The pending sample of this id, or null when none is (never seen, labelled already, or expired: see {@link #wasExpired}). */
    public Kept find(String id) {
        byte[] at = kv.get(idKey(id));
        if (at == null || at[0] != PENDING) {
            return null;
        }
        long seq = ByteBuffer.wrap(at, 1, 8).getLong();
        byte[] b = kv.get(pKey(seq));
        return b == null ? null : Kept.decode(model, seq, b);
    }

    /** Whether a sample of this id expired (or was evicted) among the last {@code maxPending} that did. */
    public boolean wasExpired(String id) {
        byte[] at = kv.get(idKey(id));
        return at != null && at[0] == EXPIRED;
    }

    /** Its label arrived: the sample leaves the queue (it trains). */
    public void remove(Kept kept) {
        kv.delete(pKey(kept.seq()));
        kv.delete(idKey(kept.id()));
        count--;
        applied++;
        if (kept.seq() == firstSeq) {
            firstSeq++;
            oldestArrival = UNKNOWN;
        }
        if (count == 0) {
            firstSeq = nextSeq;
        }
        writeHead();
    }

    /** Expires every pending sample (the model's spec is replaced or deleted: their predictions were made by the old model). */
    public int expireAll() {
        int n = 0;
        while (count > 0) {
            expireHead();
            n++;
        }
        writeHead();
        return n;
    }

    /** Samples waiting for their label. */
    public long count() {
        return count;
    }

    /** Samples whose label did not come in time, or that were evicted (total). */
    public long expired() {
        return expired;
    }

    /** Labels that found their sample, which then trained (total). */
    public long applied() {
        return applied;
    }

    public long streamTime() {
        return streamTime;
    }

    private static byte[] location(byte state, long seq) {
        return ByteBuffer.allocate(9).put(state).putLong(seq).array();
    }

    private String pKey(long seq) {
        return prefix + "p/" + seq;
    }

    private String idKey(String id) {
        return prefix + "id/" + id;
    }

    private String xKey(long xseq) {
        return prefix + "x/" + xseq;
    }
}
