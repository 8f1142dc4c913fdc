// How many bytes a replicated model moves through its sync topic per second, and how many replicas one sync partition carries.
package io.neurostream.core.replica;

import io.neurostream.core.net.Network;
import io.neurostream.core.spec.ModelSpec;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * For a model of {@code S} bytes on the wire (its {@link ParameterVector} values, 4 bytes each in float32, 8 in float64), R
 * replicas that each train {@code T} samples/s in mini-batches of {@code B} and merge every {@code k} mini-batches:
 * <ul>
 *   <li>each replica writes one delta per round of {@code k·B} samples, so the sync topic takes
 *       {@code write = R·S·T / (k·B)} bytes/s;</li>
 *   <li>every replica reads every contribution (the whole sync partition of the model): {@code read = R·write = R²·S·T / (k·B)};</li>
 *   <li>all of a model's sync records go to one partition, so its leader (one broker) takes every write and serves every read.
 *       The largest R is the largest whose writes stay within what the broker sustains on one partition ({@code writeBudget}, e.g.
 *       50 MB/s; with replication factor f the leader also sends each byte to f−1 followers) and whose reads stay within its
 *       network egress ({@code readBudget}, e.g. 1,000 MB/s for 10 GbE; reads come from the page cache). Reads grow as R², so for
 *       many replicas they bind first.</li>
 * </ul>
 * The rate T is a replica's own training rate (one core each); waiting for a round to be decided, the samples' own traffic and the
 * chunks' headers are not counted. Above the bound, rounds are decided later than the replicas reach them and the replicas wait:
 * the cluster's rate stops growing with R.
 */
public final class ReplicaCostModel {
    /**
     * @param modelBytes     S: bytes of one contribution
     * @param batch          B
     * @param samplesPerSecond T, one replica
     * @param syncEvery      k
     */
    public record Model(String name, long modelBytes, int batch, double samplesPerSecond, int syncEvery) {
        public Model {
            if (modelBytes < 1 || batch < 1 || syncEvery < 1 || !(samplesPerSecond > 0)) {
                throw new IllegalArgumentException("model " + name + ": size, batch, sync_every and rate must be > 0, got " + modelBytes
                        + ", " + batch + ", " + syncEvery + ", " + samplesPerSecond);
            }
        }

        /** Bytes/s one replica writes: one delta per round of k·B samples. */
        public double writeBytesPerSecondPerReplica() {
            return modelBytes * samplesPerSecond / ((double) syncEvery * batch);
        }

        /** Bytes/s all R replicas write to the sync partition. */
        public double writeBytesPerSecond(int replicas) {
            return replicas * writeBytesPerSecondPerReplica();
        }

        /** Bytes/s all R replicas read from it: each reads every contribution. */
        public double readBytesPerSecond(int replicas) {
            return (double) replicas * writeBytesPerSecond(replicas);
        }

        /**
         * The largest R (at most {@code limit}) whose writes stay within {@code writeBudget} and reads within {@code readBudget}
         * bytes/s; at least 1, since one replica does not sync.
         */
        public int maxReplicas(double writeBudget, double readBudget, int limit) {
            int r = 1;
            while (r < limit && writeBytesPerSecond(r + 1) <= writeBudget && readBytesPerSecond(r + 1) <= readBudget) {
                r++;
            }
            return r;
        }
    }

    /** The default write budget of the sync partition: 50 MB/s, a conservative figure for one partition of one broker. */
    public static final double DEFAULT_WRITE_BYTES_PER_SECOND = 50e6;

    /** The default read budget of the sync partition's broker: 1,000 MB/s, about a 10 GbE network card. */
    public static final double DEFAULT_READ_BYTES_PER_SECOND = 1_000e6;

    private ReplicaCostModel() {}

    /** The figures of {@code spec}: its size on the wire (built once to count its values), its batch size, the given rate and k. */
    public static Model of(ModelSpec spec, double samplesPerSecond, int syncEvery) {
        long bytes = (long) ParameterVector.length(Network.create(spec)) * (spec.dataType() == DataType.DOUBLE ? 8 : 4);
        return new Model(spec.name(), bytes, spec.batchSize(), samplesPerSecond, syncEvery);
    }
}
