// One model in a stream task: prequential prediction, mini-batch training, metrics; no Kafka, no store.
package io.neurostream.app.training;

import io.neurostream.app.metrics.ModelMeters;
import io.neurostream.core.drift.DriftSpec;
import io.neurostream.core.drift.DriftStatistic;
import io.neurostream.core.net.Evaluation;
import io.neurostream.core.net.Network;
import io.neurostream.core.net.Prequential;
import io.neurostream.core.net.StepResult;
import io.neurostream.core.net.Targets;
import io.neurostream.core.tensor.Buffers;
import io.neurostream.core.tensor.HostCopy;
import io.neurostream.schemas.ClassProbability;
import io.neurostream.schemas.DriftEvent;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.TrainingMetrics;
import io.neurostream.schemas.Sample;
import java.nio.FloatBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test-then-train: a labelled sample joins the pending batch; when the batch is full, the model
 * (unchanged since the batch began) predicts all of its samples in one pass — those are the
 * prequential predictions, emitted with the model step that made them — and then takes one
 * optimizer step on the batch. A flush emits the pending predictions early when the batch is
 * slow to fill; a close (when {@code batchMaxDelayMillis} is set) trains a batch that stays
 * partial as a smaller one. Unlabelled samples are predicted at once. Everything here is
 * deterministic, so replaying the journal after a snapshot (flushes and closes included) gives
 * back the same model and figures bit for bit.
 */
public final class ModelRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRuntime.class);
    private static final int MAX_OUTPUTS_LISTED = 16;
    private static final long REPORTED = Long.MIN_VALUE;

    private final Network net;
    private final ModelShape shape;
    private final RuntimeSettings settings;
    private final ModelMeters meters;
    private final PendingBatch pending;
    private final PrequentialStats stats;
    private final Buffers buffers;
    private DriftMonitor drift;
    private final PendingBatch single; // scratch row for predict-only samples
    private long predicted;
    private long deadLettered;
    private int batchesSinceSnapshot;
    private Double lastBatchLoss; // null until this runtime trains a batch (the snapshot does not keep it)
    private boolean replaying;
    private boolean reactionDue; // a detection asks for a reaction once the pending batch has trained
    private boolean unreported; // the counters changed since the last metrics record
    private long unreportedSinceMillis = REPORTED; // when reportIfDue first saw that (wall clock)

    public ModelRuntime(Network net, PrequentialStats stats, long predicted, long deadLettered, RuntimeSettings settings, ModelMeters meters) {
        this.net = net;
        this.shape = ModelShape.of(net);
        this.settings = settings;
        this.meters = meters;
        this.stats = stats;
        this.predicted = predicted;
        this.deadLettered = deadLettered;
        this.pending = new PendingBatch(net.spec().batchSize(), shape);
        this.single = new PendingBatch(1, shape);
        this.buffers = new Buffers(DataType.FLOAT);
        this.drift = DriftMonitor.fresh(net);
    }

    public Network network() {
        return net;
    }

    public ModelShape shape() {
        return shape;
    }

    public PrequentialStats stats() {
        return stats;
    }

    /** The drift detector's state, stored with each snapshot. */
    public byte[] driftState() {
        return drift.encode();
    }

    /** Restores the drift detector saved with the snapshot this runtime starts from (null: none saved, a fresh one). */
    public void restoreDrift(byte[] saved) {
        drift = DriftMonitor.restore(net, saved);
    }

    public long predicted() {
        return predicted;
    }

    public long deadLettered() {
        return deadLettered;
    }

    /** While true, nothing is counted in the meters (the journal's samples were counted when they arrived). */
    public void replaying(boolean on) {
        this.replaying = on;
    }

    public boolean snapshotDue(int interval) {
        return batchesSinceSnapshot >= interval;
    }

    public void snapshotTaken() {
        batchesSinceSnapshot = 0;
    }

    public void countDeadLetter() {
        deadLettered++;
        unreported = true;
    }

    /**
     * Adds a labelled sample to the batch (training on it when the batch fills); null if accepted.
     *
     * @param arrivalMillis wall-clock time of arrival, for the flush deadline
     */
    public Rejection addLabelled(Sample sample, long timestamp, long arrivalMillis, Output out) {
        int row = pending.count;
        Rejection rejection = SampleInput.read(sample, shape, pending.inputs, pending.targets, pending.labels, row);
        if (rejection != null) {
            return rejection;
        }
        if (row == pending.emitted) {
            pending.oldestUnemittedMillis = arrivalMillis;
        }
        if (row == 0) {
            pending.firstArrivalMillis = arrivalMillis;
        }
        pending.ids[row] = sample.getId();
        pending.eventTimes[row] = sample.getEventTime().toEpochMilli();
        pending.timestamps[row] = timestamp;
        pending.count++;
        if (pending.isFull()) {
            completeBatch(out);
        }
        return null;
    }

    /** Predicts an unlabelled sample with the current model; null if it was usable. */
    public Rejection predictOnly(Sample sample, long timestamp, Output out) {
        Rejection rejection = SampleInput.read(sample, shape, single.inputs, single.targets, single.labels, 0);
        if (rejection != null) {
            return rejection;
        }
        INDArray output = net.predict(inputs(single, 1));
        FloatBuffer rows = HostCopy.floats(output);
        out.prediction(prediction(sample.getId(), sample.getEventTime().toEpochMilli(), rows, 0, null, null, net.counters().steps()), timestamp);
        predicted++;
        unreported = true;
        if (!replaying) {
            meters.predicted();
        }
        return null;
    }

    /** Whether a pending sample still waits for its prediction. */
    public boolean hasUnemitted() {
        return pending.hasUnemitted();
    }

    /** Whether pending predictions have waited longer than allowed. */
    public boolean flushDue(long nowMillis) {
        return pending.hasUnemitted() && nowMillis - pending.oldestUnemittedMillis >= settings.maxDelayMillis();
    }

    /** Emits the predictions of pending samples that have none yet (the model is the one the batch will train). */
    public void flush(Output out) {
        if (!pending.hasUnemitted()) {
            return;
        }
        Evaluation eval = net.evaluate(inputs(pending, pending.count), targets(pending, pending.count));
        emitPredictions(eval, pending.emitted, pending.count, net.counters().steps(), out);
        pending.emitted = pending.count;
    }

    /**
     * Whether the pending batch is partial and its first sample arrived at least
     * {@code batchMaxDelayMillis} ago (never when that is 0): then it trains as a smaller batch
     * ({@link #trainPending}), a decision the caller journals, so a replay takes it at the same
     * place without looking at the clock.
     */
    public boolean closeDue(long nowMillis) {
        long delay = settings.batchMaxDelayMillis();
        return delay > 0 && pending.count > 0 && nowMillis - pending.firstArrivalMillis >= delay;
    }

    /**
     * Trains on the pending samples now, as a smaller batch (their predictions first): when a
     * partial batch is due to close ({@link #closeDue}), and before the model is replaced or
     * deleted, so that every accepted sample ends trained.
     */
    public void trainPending(Output out) {
        if (pending.count > 0) {
            completeBatch(out);
        }
    }

    private void completeBatch(Output out) {
        long start = System.nanoTime();
        int batch = pending.count;
        INDArray x = inputs(pending, batch);
        INDArray y = targets(pending, batch);
        long modelStep = net.counters().steps(); // the model that predicts the batch, before its update
        Prequential result = net.evaluateThenTrain(x, y);
        emitPredictions(result.evaluation(), pending.emitted, batch, modelStep, out);
        StepResult step = result.step();
        long nanos = System.nanoTime() - start;
        lastBatchLoss = step.loss();
        batchesSinceSnapshot++;
        long steps = net.counters().steps();
        if (!step.applied()) {
            LOG.warn("model {}: step skipped, batch loss {} is not finite or a gradient is not; weights kept at step {}",
                    shape.model(), step.loss(), steps);
        }
        if (!replaying) {
            meters.trained(batch);
            if (!step.applied()) {
                meters.skippedStep();
            }
            meters.batch(step.loss(), nanos, steps, net.optimizer().learningRate(Math.max(1, net.optimizerSteps())), stats.fadingLoss(),
                    stats.fadingAccuracy(), stats.windowLoss(), stats.windowAccuracy());
        }
        unreported = true;
        if (net.counters().steps() % settings.metricsEvery() == 0 || !step.applied()) {
            report(pending.timestamps[batch - 1], out);
        }
        if (reactionDue) {
            reactionDue = false;
            drift.react();
            if (!replaying) {
                LOG.info("model {}: {} after step {} (drift detected)", shape.model(), drift.spec().reaction(), steps);
            }
        }
        pending.clear();
    }

    /**
     * Writes a metrics record when the counters changed and no record has said so for
     * {@code metricsIntervalMillis} (0: never): the interval runs from the first call that sees the
     * change, so a record follows a change within the interval plus the caller's period. Nothing
     * here is journaled: it changes no model, and a restore starts with nothing to report.
     *
     * @return whether a record was written
     */
    public boolean reportIfDue(long nowMillis, Output out) {
        if (settings.metricsIntervalMillis() == 0 || !unreported) {
            return false;
        }
        if (unreportedSinceMillis == REPORTED) {
            unreportedSinceMillis = nowMillis;
        }
        if (nowMillis - unreportedSinceMillis < settings.metricsIntervalMillis()) {
            return false;
        }
        report(nowMillis, out);
        return true;
    }

    private void report(long timestamp, Output out) {
        out.metrics(metrics(timestamp), timestamp);
        unreported = false;
        unreportedSinceMillis = REPORTED;
    }

    private void emitPredictions(Evaluation eval, int from, int to, long modelStep, Output out) {
        FloatBuffer rows = HostCopy.floats(eval.output());
        FloatBuffer losses = HostCopy.floats(eval.perSampleLoss());
        int width = shape.outputs();
        for (int i = from; i < to; i++) {
            int lastRow = (i + 1) * shape.rows() - 1;
            int label = pending.labels[lastRow];
            boolean correct = Targets.predictedClass(rows, lastRow * width, width) == label;
            double loss = losses.get(i);
            stats.update(loss, correct);
            DriftStatistic detection = drift.feed(loss, correct);
            if (detection != null) {
                driftDetected(detection, i, modelStep, out);
            }
            out.prediction(prediction(pending.ids[i], pending.eventTimes[i], rows, i, label, loss, modelStep), pending.timestamps[i]);
        }
    }

    /**
     * Reports a detection completed by the score of pending row {@code row}; the spec's reaction follows once the
     * pending batch has trained (a detection in a flush waits for its batch), at the same place in a replay.
     */
    private void driftDetected(DriftStatistic d, int row, long modelStep, Output out) {
        String reaction = drift.spec().reaction();
        reactionDue |= !reaction.equals(DriftSpec.NONE);
        if (!replaying) {
            meters.driftDetected(d.detector());
            LOG.info("model {}: drift detected by {} at sample {} (model step {}, {} samples read): mean {} before, {} after; reaction {}",
                    shape.model(), d.detector(), pending.ids[row], modelStep, d.updates(), d.meanBefore(), d.meanAfter(), reaction);
        }
        out.drift(DriftEvent.newBuilder()
                .setModel(shape.model())
                .setModelStep(modelStep)
                .setSampleId(pending.ids[row])
                .setSamples(d.updates())
                .setDetector(d.detector())
                .setStatistic(d.statistic())
                .setThreshold(d.threshold())
                .setMeanBefore(d.meanBefore())
                .setMeanAfter(d.meanAfter())
                .setReaction(reaction)
                .setEventTime(Instant.ofEpochMilli(pending.eventTimes[row]))
                .build(), pending.timestamps[row]);
    }

    private Prediction prediction(String id, long eventTime, FloatBuffer rows, int sample, Integer label, Double loss, long modelStep) {
        int width = shape.outputs();
        int lastRow = (sample + 1) * shape.rows() - 1;
        int offset = lastRow * width;
        List<ClassProbability> top = topK(rows, offset, width);
        List<Float> outputs = null;
        if (width * shape.rows() <= MAX_OUTPUTS_LISTED) {
            outputs = new ArrayList<>(width * shape.rows());
            for (int k = sample * shape.rows() * width; k < (sample + 1) * shape.rows() * width; k++) {
                outputs.add(rows.get(k));
            }
        }
        return Prediction.newBuilder()
                .setSampleId(id)
                .setModel(shape.model())
                .setModelStep(modelStep)
                .setPredictedClass(Targets.predictedClass(rows, offset, width))
                .setTopK(top)
                .setOutputs(outputs)
                .setLabel(label)
                .setLoss(loss)
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .build();
    }

    /** The k most probable classes of one output row, most probable first. */
    private List<ClassProbability> topK(FloatBuffer rows, int offset, int width) {
        int classes = shape.classes();
        int k = Math.min(settings.topK(), classes);
        int[] best = new int[k];
        float[] bestP = new float[k];
        int filled = 0;
        for (int c = 0; c < classes; c++) {
            float p = Targets.probability(rows, offset, width, c);
            int at = filled;
            while (at > 0 && bestP[at - 1] < p) {
                at--;
            }
            if (at < k) {
                int end = Math.min(filled, k - 1);
                System.arraycopy(best, at, best, at + 1, end - at);
                System.arraycopy(bestP, at, bestP, at + 1, end - at);
                best[at] = c;
                bestP[at] = p;
                filled = Math.min(filled + 1, k);
            }
        }
        List<ClassProbability> top = new ArrayList<>(filled);
        for (int i = 0; i < filled; i++) {
            top.add(new ClassProbability(best[i], bestP[i]));
        }
        return top;
    }

    private TrainingMetrics metrics(long timestamp) {
        var counters = net.counters();
        return TrainingMetrics.newBuilder()
                .setModel(shape.model())
                .setStep(counters.steps())
                .setSamplesTrained(counters.samplesTrained())
                .setSamplesPredicted(predicted)
                .setSamplesDeadLettered(deadLettered)
                .setSkippedSteps(counters.skippedSteps())
                .setBatchLoss(lastBatchLoss)
                .setPrequentialLossFading(stats.fadingLoss())
                .setPrequentialAccuracyFading(stats.fadingAccuracy())
                .setPrequentialLossWindow(stats.windowLoss())
                .setPrequentialAccuracyWindow(stats.windowAccuracy())
                .setFadingFactor(stats.alpha())
                .setWindowSize(stats.window())
                .setLearningRate(net.optimizer().learningRate(Math.max(1, net.optimizerSteps())))
                .setTimestamp(Instant.ofEpochMilli(timestamp))
                .build();
    }

    /** The first n rows of a batch as a [n, ...input] array in the network's data type. */
    private INDArray inputs(PendingBatch batch, int n) {
        INDArray x = buffers.get("inputs", net.dataType(), net.inputShape().withBatch(n));
        HostCopy.copy(batch.inputs, n * shape.inputSize(), x);
        return x;
    }

    private INDArray targets(PendingBatch batch, int n) {
        INDArray y = buffers.get("targets", net.dataType(), net.outputShape().withBatch(n));
        HostCopy.copy(batch.targets, n * shape.targetSize(), y);
        return y;
    }
}
