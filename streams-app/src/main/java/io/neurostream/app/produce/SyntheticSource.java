// model-core's synthetic 2-D sets (linear, and, or, xor, circle) as samples with float values of shape [2].
package io.neurostream.app.produce;

import io.neurostream.core.data.Dataset;
import io.neurostream.core.data.Synthetic;
import io.neurostream.schemas.Sample;
import java.time.Instant;
import java.util.List;

/**
 * Each sample is a point (x, y) with its class label 0 or 1 (a one-output model takes the label as
 * its target). The set is generated from the seed, so ids {@code <set>-<seed>-<index>} always
 * name the same point.
 */
public final class SyntheticSource implements SampleSource {
    private final Dataset points;
    private final long seed;
    private final boolean labelled;

    private SyntheticSource(Dataset points, long seed, boolean labelled) {
        this.points = points;
        this.seed = seed;
        this.labelled = labelled;
    }

    /** {@code count} points of the set {@code name} (one of {@link Synthetic#NAMES}) drawn with {@code seed}. */
    public static SyntheticSource of(String name, int count, long seed, boolean labelled) {
        if (!Synthetic.NAMES.contains(name)) {
            throw new SourceException("unknown synthetic set \"" + name + "\"; sets: " + String.join(", ", Synthetic.NAMES));
        }
        if (count < 1) {
            throw new SourceException("synthetic set size must be >= 1, got " + count);
        }
        return new SyntheticSource(Synthetic.byName(name, count, seed), seed, labelled);
    }

    @Override
    public String description() {
        return String.format("%s (synthetic, seed %d, %,d points of %d values, %s)", points.name(), seed, points.size(),
                points.featureCount(), labelled ? "labelled" : "without labels");
    }

    @Override
    public int size() {
        return points.size();
    }

    @Override
    public Sample sample(int index, long eventTimeMillis) {
        float[] point = new float[points.featureCount()]; // [F]
        points.features(index, point, 0);
        Float[] values = new Float[point.length];
        for (int i = 0; i < point.length; i++) {
            values[i] = point[i];
        }
        return Sample.newBuilder()
                .setId(points.name() + "-" + seed + "-" + index)
                .setEventTime(Instant.ofEpochMilli(eventTimeMillis))
                .setValues(List.of(values))
                .setShape(List.of(point.length))
                .setLabel(labelled ? points.label(index) : null)
                .build();
    }
}
