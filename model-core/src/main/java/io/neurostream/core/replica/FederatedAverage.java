// One merge of local SGD: the base every replica started the round from, plus the sample-weighted mean of their changes.
package io.neurostream.core.replica;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code merged = base + η_s · Σ n_s·Δ_s / Σ n_s} over the round's contributions (federated averaging, McMahan et al. 2017, with
 * the server learning rate η_s of Reddi et al. 2021, "Adaptive Federated Optimization": η_s = 1 is plain averaging), summed in
 * shard order whatever order they arrived in, in double precision, then rounded to the model's data type: the merged model is a
 * function of the contributions alone, bit for bit on every machine.
 */
public final class FederatedAverage {
    /** What replica {@code shard} trained in a round: {@code samples} samples moved its parameters by {@code delta}. */
    public record Contribution(int shard, long samples, double[] delta) {
        public Contribution {
            if (shard < 0 || samples < 0) {
                throw new IllegalArgumentException("shard " + shard + " and samples " + samples + " must be >= 0");
            }
        }
    }

    private FederatedAverage() {}

    /**
     * The merged parameters; contributions that trained no samples carry no weight, and with none at all the base is returned
     * unchanged (as a copy).
     */
    public static double[] merge(double[] base, List<Contribution> contributions, DataType dataType) {
        return merge(base, contributions, dataType, 1.0);
    }

    /**
     * The same with server learning rate {@code serverRate} (η_s > 0): the model moves η_s times the contributions' mean change;
     * η_s = 1 is {@link #merge(double[], List, DataType)}, bit for bit.
     */
    public static double[] merge(double[] base, List<Contribution> contributions, DataType dataType, double serverRate) {
        if (!(serverRate > 0) || !Double.isFinite(serverRate)) {
            throw new IllegalArgumentException("server learning rate must be finite and > 0, got " + serverRate);
        }
        List<Contribution> ordered = new ArrayList<>(contributions);
        ordered.sort(Comparator.comparingInt(Contribution::shard));
        long total = 0;
        for (int i = 0; i < ordered.size(); i++) {
            Contribution c = ordered.get(i);
            if (c.delta().length != base.length) {
                throw new IllegalArgumentException("contribution of shard " + c.shard() + " has " + c.delta().length + " values, the model " + base.length);
            }
            if (i > 0 && ordered.get(i - 1).shard() == c.shard()) {
                throw new IllegalArgumentException("two contributions of shard " + c.shard() + " in one round");
            }
            total = Math.addExact(total, c.samples());
        }
        double[] merged = base.clone();
        if (total == 0) {
            return merged;
        }
        boolean single = dataType != DataType.DOUBLE;
        double[] sum = new double[base.length];
        for (Contribution c : ordered) {
            double w = c.samples();
            double[] d = c.delta();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += w * d[i];
            }
        }
        for (int i = 0; i < merged.length; i++) {
            double v = base[i] + serverRate * (sum[i] / total);
            merged[i] = single ? (float) v : v;
        }
        return merged;
    }
}
