// A bounded in-memory history of each model's meters, sampled at a fixed interval, for the live page's charts.
package io.neurostream.app.metrics;

import io.neurostream.app.records.ReplicaKeys;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * {@link #sample} is called by one scheduler thread, {@link #json} by HTTP threads: both hold
 * this object's lock, which is short (a few hundred points per model are copied out). Rates
 * (samples/s, mean batch duration) and drift detections (the live page's markers) are differences between two
 * consecutive readings.
 */
final class SeriesHistory {
    private final NeurostreamMetrics metrics;
    private final int capacity;
    private final Map<String, Deque<Point>> points = new TreeMap<>();
    private final Map<String, ModelMeters.Reading> last = new LinkedHashMap<>();
    private final Map<String, Long> lastNanos = new LinkedHashMap<>();
    private final Map<String, Deque<RoundPoint>> rounds = new TreeMap<>();
    private final Map<String, ReplicaMeters.Reading> lastReplica = new TreeMap<>();

    /** A model's figures at one time; NaN where there is no value. {@code samples}: see {@link #samples}. */
    record Point(long timeMillis, double samples, double trainingLoss, double fadingLoss, double windowLoss, double fadingAccuracy, double windowAccuracy,
                 double samplesPerSecond, double batchMillis, double step, double driftDetections) {}

    /**
     * A replicated model's rounds at one time: the newest round any of its replicas trains, and the mean wait of the rounds its
     * replicas applied since the previous point (NaN when none).
     */
    record RoundPoint(long timeMillis, double round, double waitMillis) {}

    SeriesHistory(NeurostreamMetrics metrics, int capacity) {
        this.metrics = metrics;
        this.capacity = capacity;
    }

    /** Reads every model's meters and appends one point per model (the oldest drops out at capacity). */
    synchronized void sample(long timeMillis, long nanos) {
        metrics.models().forEach((model, meters) -> {
            ModelMeters.Reading now = meters.reading();
            ModelMeters.Reading before = last.put(model, now);
            Long beforeNanos = lastNanos.put(model, nanos);
            double perSecond = Double.NaN;
            double batchMillis = Double.NaN;
            double drift = Double.NaN;
            if (before != null) {
                drift = now.driftDetections() - before.driftDetections();
                double seconds = (nanos - beforeNanos) / 1e9;
                perSecond = seconds > 0 ? (now.trained() + now.predicted() - before.trained() - before.predicted()) / seconds : Double.NaN;
                long batches = now.batches() - before.batches();
                batchMillis = batches > 0 ? (now.batchSeconds() - before.batchSeconds()) * 1000 / batches : Double.NaN;
            }
            Deque<Point> series = points.computeIfAbsent(model, m -> new ArrayDeque<>(capacity));
            if (series.size() == capacity) {
                series.removeFirst();
            }
            series.addLast(new Point(timeMillis, samples(now), now.trainingLoss(), now.fadingLoss(), now.windowLoss(), now.fadingAccuracy(),
                    now.windowAccuracy(), perSecond, batchMillis, now.step(), drift));
        });
        Map<String, double[]> perModel = new TreeMap<>(); // NAME → {newest round, waits, wait ms} over the interval
        metrics.replicas().forEach((key, meters) -> {
            ReplicaMeters.Reading now = meters.reading();
            ReplicaMeters.Reading before = lastReplica.put(key, now);
            double[] sums = perModel.computeIfAbsent(meters.model(), m -> new double[3]);
            sums[0] = Math.max(sums[0], now.round());
            sums[1] += now.waits() - (before == null ? 0 : before.waits());
            sums[2] += now.waitMillis() - (before == null ? 0 : before.waitMillis());
        });
        perModel.forEach((model, sums) -> {
            Deque<RoundPoint> series = rounds.computeIfAbsent(model, m -> new ArrayDeque<>(capacity));
            if (series.size() == capacity) {
                series.removeFirst();
            }
            series.addLast(new RoundPoint(timeMillis, sums[0], sums[1] > 0 ? sums[2] / sums[1] : Double.NaN));
        });
    }

    /**
     * The samples of its stream a model has taken: trained, predicted only, or waiting for a delayed label (not the dead-lettered).
     * The models of one stream that take the same records have the same count after the same records, so the live page puts
     * their figures side by side over it.
     */
    private static double samples(ModelMeters.Reading r) {
        return r.trained() + r.predicted() + r.pending();
    }

    /**
     * The history as JSON: {@code streams}, each stream read by a model and the names of its models (sorted); {@code models}, per
     * model, the stream it reads ({@code source}), one array per series (null for NaN) and the latest counters; {@code replicas},
     * per replicated model NAME ({@link #replicasJson}).
     */
    synchronized String json(long intervalMillis) {
        StringBuilder out = new StringBuilder(4096);
        out.append("{\"interval_ms\":").append(intervalMillis).append(",\"capacity\":").append(capacity).append(",\"streams\":{");
        Map<String, List<String>> streams = new TreeMap<>();
        for (String model : points.keySet()) {
            streams.computeIfAbsent(last.get(model).source(), s -> new ArrayList<>()).add(model);
        }
        boolean firstStream = true;
        for (Map.Entry<String, List<String>> e : streams.entrySet()) {
            if (!firstStream) {
                out.append(',');
            }
            firstStream = false;
            string(out, e.getKey());
            out.append(":[");
            for (int i = 0; i < e.getValue().size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                string(out, e.getValue().get(i));
            }
            out.append(']');
        }
        out.append("},\"models\":{");
        boolean firstModel = true;
        for (Map.Entry<String, Deque<Point>> e : points.entrySet()) {
            List<Point> series = new ArrayList<>(e.getValue());
            ModelMeters.Reading latest = last.get(e.getKey());
            if (!firstModel) {
                out.append(',');
            }
            firstModel = false;
            string(out, e.getKey());
            out.append(":{\"source\":");
            string(out, latest.source());
            out.append(',');
            array(out, "time", series, p -> (double) p.timeMillis());
            array(out, "samples", series, Point::samples);
            array(out, "training_loss", series, Point::trainingLoss);
            array(out, "loss_fading", series, Point::fadingLoss);
            array(out, "loss_window", series, Point::windowLoss);
            array(out, "accuracy_fading", series, Point::fadingAccuracy);
            array(out, "accuracy_window", series, Point::windowAccuracy);
            array(out, "samples_per_second", series, Point::samplesPerSecond);
            array(out, "batch_ms", series, Point::batchMillis);
            array(out, "step", series, Point::step);
            array(out, "drift", series, Point::driftDetections);
            out.append("\"counters\":{");
            field(out, "trained", latest.trained()).append(',');
            field(out, "predicted", latest.predicted()).append(',');
            field(out, "dead_lettered", latest.deadLettered()).append(',');
            field(out, "skipped_steps", latest.skippedSteps()).append(',');
            field(out, "step", latest.step()).append(',');
            field(out, "learning_rate", latest.learningRate()).append(',');
            field(out, "drift_detected", latest.driftDetections()).append(',');
            field(out, "batches", latest.batches()).append(',');
            field(out, "pending", latest.pending()).append(',');
            field(out, "samples", samples(latest));
            out.append("}}");
        }
        out.append("},");
        replicasJson(out);
        return out.append('}').toString();
    }

    /**
     * {@code "replicas":{NAME:{...}}}, per replicated model: {@code time}, {@code round} (the newest round a replica trains) and
     * {@code wait_ms} (mean wait of the rounds applied since the previous point) over time; {@code alive}, the members of the last
     * decided round (as the replica with the newest round saw it); {@code merged}, the model as a whole (its round, the samples of
     * every replica, their windowed accuracy and loss weighted by samples, sync bytes written, rounds closed by timeout); and
     * {@code shards}, per replica s (model NAME#s): its round, rounds applied, samples, windowed accuracy and loss, {@code current}
     * (it trains the newest round: a member of the last decided round, or waiting for the next), its last round wait and sync bytes.
     */
    private void replicasJson(StringBuilder out) {
        out.append("\"replicas\":{");
        Map<String, Map<Integer, ReplicaMeters.Reading>> byModel = new TreeMap<>();
        Map<String, ReplicaMeters> meters = new TreeMap<>(metrics.replicas());
        meters.forEach((key, m) -> {
            ReplicaMeters.Reading r = lastReplica.get(key);
            if (r != null) {
                byModel.computeIfAbsent(m.model(), k -> new TreeMap<>()).put(m.shard(), r);
            }
        });
        boolean firstModel = true;
        for (Map.Entry<String, Map<Integer, ReplicaMeters.Reading>> e : byModel.entrySet()) {
            String model = e.getKey();
            List<RoundPoint> series = new ArrayList<>(rounds.getOrDefault(model, new ArrayDeque<>()));
            double newest = e.getValue().values().stream().mapToDouble(ReplicaMeters.Reading::round).max().orElse(0);
            ReplicaMeters.Reading lead = e.getValue().values().stream().filter(r -> r.round() == newest).findFirst().orElseThrow();
            double samples = 0;
            double trained = 0;
            double accuracy = 0;
            double loss = 0;
            double weight = 0;
            double bytesOut = 0;
            double closed = 0;
            for (Map.Entry<Integer, ReplicaMeters.Reading> shard : e.getValue().entrySet()) {
                ModelMeters.Reading r = last.get(model + ReplicaKeys.SEPARATOR + shard.getKey());
                bytesOut += shard.getValue().bytesOut();
                closed = Math.max(closed, shard.getValue().closedByTimeout());
                if (r != null) {
                    samples += samples(r);
                    trained += r.trained();
                    if (Double.isFinite(r.windowAccuracy()) && Double.isFinite(r.windowLoss()) && samples(r) > 0) {
                        accuracy += samples(r) * r.windowAccuracy();
                        loss += samples(r) * r.windowLoss();
                        weight += samples(r);
                    }
                }
            }
            if (!firstModel) {
                out.append(',');
            }
            firstModel = false;
            string(out, model);
            out.append(":{");
            array(out, "time", series, p -> (double) p.timeMillis());
            array(out, "round", series, RoundPoint::round);
            array(out, "wait_ms", series, RoundPoint::waitMillis);
            field(out, "replicas", e.getValue().size()).append(',');
            field(out, "alive", lead.alive()).append(',');
            out.append("\"merged\":{");
            field(out, "round", newest).append(',');
            field(out, "samples", samples).append(',');
            field(out, "trained", trained).append(',');
            field(out, "accuracy_window", weight > 0 ? accuracy / weight : Double.NaN).append(',');
            field(out, "loss_window", weight > 0 ? loss / weight : Double.NaN).append(',');
            field(out, "sync_bytes_out", bytesOut).append(',');
            field(out, "closed_by_timeout", closed);
            out.append("},\"shards\":[");
            boolean firstShard = true;
            for (Map.Entry<Integer, ReplicaMeters.Reading> shard : e.getValue().entrySet()) {
                String key = model + ReplicaKeys.SEPARATOR + shard.getKey();
                ReplicaMeters.Reading s = shard.getValue();
                ModelMeters.Reading r = last.get(key);
                if (!firstShard) {
                    out.append(',');
                }
                firstShard = false;
                out.append('{');
                field(out, "shard", shard.getKey()).append(',');
                out.append("\"model\":");
                string(out, key);
                out.append(',');
                field(out, "round", s.round()).append(',');
                field(out, "rounds", s.rounds()).append(',');
                field(out, "samples", r == null ? Double.NaN : samples(r)).append(',');
                field(out, "accuracy_window", r == null ? Double.NaN : r.windowAccuracy()).append(',');
                field(out, "loss_window", r == null ? Double.NaN : r.windowLoss()).append(',');
                out.append("\"current\":").append(s.round() == newest).append(',');
                field(out, "last_wait_ms", s.lastWaitMillis()).append(',');
                field(out, "bytes_out", s.bytesOut()).append(',');
                field(out, "bytes_in", s.bytesIn());
                out.append('}');
            }
            out.append("]}");
        }
        out.append('}');
    }

    private static <P> void array(StringBuilder out, String name, List<P> series, ToDoubleFunction<P> value) {
        string(out, name);
        out.append(":[");
        for (int i = 0; i < series.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            number(out, value.applyAsDouble(series.get(i)));
        }
        out.append("],");
    }

    private static StringBuilder field(StringBuilder out, String name, double value) {
        string(out, name);
        out.append(':');
        return number(out, value);
    }

    private static StringBuilder number(StringBuilder out, double value) {
        if (!Double.isFinite(value)) {
            return out.append("null");
        }
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? out.append((long) value) : out.append(value);
    }

    static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}
