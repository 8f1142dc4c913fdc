// One model in a stream task: prequential prediction and mini-batch training; no Kafka, no store, no records, no meters.
package io.neurostream.app.training;

import io.neurostream.core.drift.DriftSpec;
import io.neurostream.core.drift.DriftStatistic;
import io.neurostream.core.net.Evaluation;
import io.neurostream.core.net.Network;
import io.neurostream.core.net.Prequential;
import io.neurostream.core.net.StepResult;
import io.neurostream.core.net.Targets;
import io.neurostream.core.tensor.Buffers;
import io.neurostream.core.tensor.HostCopy;
import io.neurostream.schemas.Sample;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test-then-train: a labelled sample joins the pending batch ({@link #add}); when the batch is
 * full ({@link #trainBatch}), the model (unchanged since the batch began) predicts all of its
 * samples in one pass — those are the prequential predictions, reported with the model step that
 * made them — and then takes one optimizer step on the batch. A flush reports the pending
 * predictions early when the batch is slow to fill; a close (when {@code batchMaxDelayMillis} is
 * set) trains a batch that stays partial as a smaller one. Unlabelled samples are predicted at
 * once. Everything here is deterministic, so replaying the journal after a snapshot (flushes and
 * closes included) gives back the same model and figures bit for bit. What it computes goes to an
 * {@link Output}, which turns it into records and meters.
 */
public final class ModelRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRuntime.class);
    private static final long REPORTED = Long.MIN_VALUE;

    private final Network net;
    private final ModelShape shape;
    private final RuntimeSettings settings;
    private final PendingBatch pending;
    private final PrequentialStats stats;
    private final Buffers buffers;
    private DriftMonitor drift;
    private final PendingBatch single; // scratch row for predict-only samples
    private int batchesSinceSnapshot;
    private Double lastBatchLoss; // null until this runtime trains a batch (the snapshot does not keep it)
    private boolean reactionDue; // a detection asks for a reaction once the pending batch has trained
    private boolean unreported; // the figures changed since the last metrics record
    private long unreportedSinceMillis = REPORTED; // when reportIfDue first saw that (wall clock)

    public ModelRuntime(Network net, PrequentialStats stats, RuntimeSettings settings) {
        this.net = net;
        this.shape = ModelShape.of(net);
        this.settings = settings;
        this.stats = stats;
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

    public boolean snapshotDue(int interval) {
        return batchesSinceSnapshot >= interval;
    }

    public void snapshotTaken() {
        batchesSinceSnapshot = 0;
    }

    /** A counter kept outside the runtime changed (a dead letter of this model): the next metrics record says so. */
    public void countersChanged() {
        unreported = true;
    }

    /**
     * Validates a labelled sample into the next row of the pending batch; null if accepted. The
     * batch trains when the caller calls {@link #trainBatch} (when {@link #batchFull}).
     *
     * @param arrivalMillis wall-clock time of arrival, for the flush and close deadlines
     */
    public Rejection add(Sample sample, long timestamp, long arrivalMillis) {
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
        pending.scored[row] = false;
        pending.count++;
        return null;
    }

    /**
     * A sample predicted when it arrived without a label, now labelled ({@link DelayedLabels}): the prequential figures take
     * the score of that prediction, and the sample joins the pending batch like a labelled one, except that the batch neither
     * emits nor scores its prediction again. Null if accepted.
     */
    public Rejection addScored(Sample labelled, long timestamp, long arrivalMillis, double loss, boolean correct, Output out) {
        Rejection rejection = add(labelled, timestamp, arrivalMillis);
        if (rejection != null) {
            return rejection;
        }
        int row = pending.count - 1;
        pending.scored[row] = true;
        if (pending.emitted == row) {
            pending.emitted = pending.count; // nothing before it waits: no flush is due for it
        }
        score(loss, correct, labelled.getId(), labelled.getEventTime().toEpochMilli(), timestamp, net.counters().steps(), out);
        unreported = true;
        return null;
    }

    /** One labelled sample's score goes into the prequential figures and the drift detector, in the order samples are scored. */
    private void score(double loss, boolean correct, String id, long eventTime, long timestamp, long modelStep, Output out) {
        stats.update(loss, correct);
        DriftStatistic detection = drift.feed(loss, correct);
        if (detection != null) {
            String reaction = drift.spec().reaction();
            reactionDue |= !reaction.equals(DriftSpec.NONE);
            out.drift(new DriftDetection(shape.model(), modelStep, id, eventTime, timestamp, detection, reaction));
        }
    }

    public boolean batchFull() {
        return pending.isFull();
    }

    /** Whether no sample waits in the pending batch. */
    public boolean batchEmpty() {
        return pending.count == 0;
    }

    /** Predicts an unlabelled sample with the current model; null if it was usable. */
    public Rejection predictOnly(Sample sample, long timestamp, Output out) {
        Rejection rejection = SampleInput.read(sample, shape, single.inputs, single.targets, single.labels, 0);
        if (rejection != null) {
            return rejection;
        }
        INDArray output = net.predict(inputs(single, 1));
        FloatBuffer rows = HostCopy.floats(output);
        out.prediction(new SamplePrediction(shape, rows, 0, sample.getId(), sample.getEventTime().toEpochMilli(), net.counters().steps(),
                timestamp, null, null));
        unreported = true;
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

    /** Reports the predictions of pending samples that have none yet (the model is the one the batch will train). */
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
     * ({@link #trainBatch}), a decision the caller journals, so a replay takes it at the same
     * place without looking at the clock.
     */
    public boolean closeDue(long nowMillis) {
        long delay = settings.batchMaxDelayMillis();
        return delay > 0 && pending.count > 0 && nowMillis - pending.firstArrivalMillis >= delay;
    }

    /**
     * Trains on the pending samples, their predictions first: when the batch is full, when a
     * partial batch is due to close ({@link #closeDue}), and before the model is replaced or
     * deleted, so that every accepted sample ends trained. Nothing when no sample is pending.
     */
    public void trainBatch(Output out) {
        int batch = pending.count;
        if (batch == 0) {
            return;
        }
        long start = System.nanoTime();
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
        out.batchTrained(batch, step.applied(), nanos, progress());
        unreported = true;
        if (steps % settings.metricsEvery() == 0 || !step.applied()) {
            report(pending.timestamps[batch - 1], out);
        }
        if (reactionDue) {
            reactionDue = false;
            drift.react();
        }
        pending.clear();
    }

    /**
     * Reports the figures when they changed and no metrics record has said so for
     * {@code metricsIntervalMillis} (0: never): the interval runs from the first call that sees the
     * change, so a record follows a change within the interval plus the caller's period. Nothing
     * here is journaled: it changes no model, and a restore starts with nothing to report.
     *
     * @return whether a record was due
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
        out.metrics(progress(), timestamp);
        unreported = false;
        unreportedSinceMillis = REPORTED;
    }

    /** The prequential figures take each prediction's loss and hit, in sample order. */
    private void emitPredictions(Evaluation eval, int from, int to, long modelStep, Output out) {
        FloatBuffer rows = HostCopy.floats(eval.output());
        FloatBuffer losses = HostCopy.floats(eval.perSampleLoss());
        int width = shape.outputs();
        for (int i = from; i < to; i++) {
            if (pending.scored[i]) {
                continue;
            }
            int lastRow = (i + 1) * shape.rows() - 1;
            int label = pending.labels[lastRow];
            boolean correct = Targets.predictedClass(rows, lastRow * width, width) == label;
            double loss = losses.get(i);
            score(loss, correct, pending.ids[i], pending.eventTimes[i], pending.timestamps[i], modelStep, out);
            out.prediction(new SamplePrediction(shape, rows, i, pending.ids[i], pending.eventTimes[i], modelStep, pending.timestamps[i], label, loss));
        }
    }

    private Progress progress() {
        var counters = net.counters();
        return new Progress(shape.model(), counters.steps(), counters.samplesTrained(), counters.skippedSteps(), lastBatchLoss,
                stats.fadingLoss(), stats.fadingAccuracy(), stats.windowLoss(), stats.windowAccuracy(), stats.alpha(), stats.window(),
                net.optimizer().learningRate(Math.max(1, net.optimizerSteps())));
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
