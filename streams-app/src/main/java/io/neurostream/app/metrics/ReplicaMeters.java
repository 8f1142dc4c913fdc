// Meters of one replica of a replicated model: rounds, their wait, bytes synced, replicas alive (tags model=NAME, replica=s).
package io.neurostream.app.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * neurostream.sync.rounds [neurostream_sync_rounds_total]: rounds this replica applied (a catch-up applies several);
 * neurostream.sync.round.wait [neurostream_sync_round_wait_seconds]: histogram, contribution published → round decided (wall clock);
 * neurostream.sync.bytes {direction=out|in} [neurostream_sync_bytes_total]: sync records written and read;
 * neurostream.sync.rounds.closed.by.timeout [neurostream_sync_rounds_closed_by_timeout_total]: rounds a close decided (read by this replica);
 * neurostream.sync.replicas.alive [neurostream_sync_replicas_alive]: members of the last decided round;
 * neurostream.sync.round [neurostream_sync_round]: the round this replica trains.
 */
public final class ReplicaMeters {
    private final String model;
    private final int shard;
    private final Counter rounds;
    private final Timer roundWait;
    private final Counter bytesOut;
    private final Counter bytesIn;
    private final Counter closedByTimeout;
    private volatile double alive = 0;
    private volatile double round = 0;
    private volatile double lastWaitMillis = Double.NaN;

    ReplicaMeters(MeterRegistry registry, String model, int shard) {
        this.model = model;
        this.shard = shard;
        String p = NeurostreamMetrics.PREFIX;
        String replica = Integer.toString(shard);
        rounds = Counter.builder(p + "sync.rounds").description("Rounds of a replicated model this replica applied (merged weights adopted)")
                .tag("model", model).tag("replica", replica).register(registry);
        roundWait = Timer.builder(p + "sync.round.wait").description("Wall-clock time from a replica's contribution to its round's decision")
                .tag("model", model).tag("replica", replica).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5)).register(registry);
        bytesOut = Counter.builder(p + "sync.bytes").description("Bytes of sync records written (out) and read (in) by this replica")
                .baseUnit("bytes").tag("model", model).tag("replica", replica).tag("direction", "out").register(registry);
        bytesIn = Counter.builder(p + "sync.bytes").description("Bytes of sync records written (out) and read (in) by this replica")
                .baseUnit("bytes").tag("model", model).tag("replica", replica).tag("direction", "in").register(registry);
        closedByTimeout = Counter.builder(p + "sync.rounds.closed.by.timeout")
                .description("Rounds decided by a close record (a replica waited neurostream.sync.max.wait.ms), not by every expected contribution")
                .tag("model", model).tag("replica", replica).register(registry);
        Gauge.builder(p + "sync.replicas.alive", () -> alive).description("Replicas whose contributions the last decided round merged")
                .tag("model", model).tag("replica", replica).register(registry);
        Gauge.builder(p + "sync.round", () -> round).description("The round this replica trains")
                .tag("model", model).tag("replica", replica).register(registry);
    }

    public void sent(long bytes) {
        bytesOut.increment(bytes);
    }

    public void received(long bytes) {
        bytesIn.increment(bytes);
    }

    /** A round was decided (seen in the sync log) with this many members; by a close or by every expected contribution. */
    public void decided(int members, boolean byClose) {
        alive = members;
        if (byClose) {
            closedByTimeout.increment();
        }
    }

    /** The replica applied {@code applied} rounds and now trains {@code now}; it had waited {@code waitedMillis} (−1: it was not waiting). */
    public void applied(long applied, long now, long waitedMillis) {
        rounds.increment(applied);
        round = now;
        if (waitedMillis >= 0) {
            roundWait.record(waitedMillis, TimeUnit.MILLISECONDS);
            lastWaitMillis = waitedMillis;
        }
    }

    /** The model (NAME) this replica belongs to. */
    public String model() {
        return model;
    }

    public int shard() {
        return shard;
    }

    /** The current values, for the live page (NaN where nothing was measured yet). */
    Reading reading() {
        return new Reading(rounds.count(), round, alive, roundWait.count(), roundWait.totalTime(TimeUnit.MILLISECONDS), lastWaitMillis,
                bytesOut.count(), bytesIn.count(), closedByTimeout.count());
    }

    /** What {@link #reading()} returns: the meters above, the wait's count and total, and the last wait (ms). */
    record Reading(double rounds, double round, double alive, long waits, double waitMillis, double lastWaitMillis, double bytesOut,
                   double bytesIn, double closedByTimeout) {}
}
