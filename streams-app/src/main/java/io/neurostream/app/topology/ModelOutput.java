// The edge a model's runtime reports to: Avro Prediction, TrainingMetrics and DriftEvent records to their sinks, and the model's meters.
package io.neurostream.app.topology;

import io.neurostream.app.metrics.ModelMeters;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.state.ModelLog;
import io.neurostream.app.state.PendingSamples;
import io.neurostream.app.training.DriftDetection;
import io.neurostream.app.training.ModelShape;
import io.neurostream.app.training.Output;
import io.neurostream.app.training.Progress;
import io.neurostream.app.training.SamplePrediction;
import io.neurostream.core.net.Targets;
import io.neurostream.core.drift.DriftStatistic;
import io.neurostream.schemas.ClassProbability;
import io.neurostream.schemas.DriftEvent;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.TrainingMetrics;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records are keyed by the model's name and go through the task's context, so they commit in the
 * task's transaction. A metrics record takes the counters the runtime does not keep (predicted
 * only, dead-lettered) from the model's log, and those of delayed labels from its pending samples.
 */
final class ModelOutput implements Output {
    private static final Logger LOG = LoggerFactory.getLogger(ModelOutput.class);
    /** A prediction lists every output value when a sample has at most this many. */
    private static final int MAX_OUTPUTS_LISTED = 16;

    private final ProcessorContext<byte[], byte[]> context;
    private final byte[] key;
    private final ModelLog log;
    private final PendingSamples pending; // null: delayed labels off for this model
    private final ModelMeters meters;
    private final int topK;

    ModelOutput(ProcessorContext<byte[], byte[]> context, String model, ModelLog log, PendingSamples pending, ModelMeters meters, int topK) {
        this.context = context;
        this.key = model.getBytes(StandardCharsets.UTF_8);
        this.log = log;
        this.pending = pending;
        this.meters = meters;
        this.topK = topK;
    }

    /** The model's meters (the live page reads which stream the model reads from them). */
    ModelMeters meters() {
        return meters;
    }

    @Override
    public void prediction(SamplePrediction p) {
        context.forward(new Record<>(key, NeurostreamSerdes.prediction().encode(record(p)), p.timestamp()), NeurostreamTopology.PREDICTIONS_SINK);
    }

    /** A sample ended predicted only: unlabelled (and not kept for a delayed label), or kept and its label never came. */
    void predictedOnly(int samples) {
        for (int i = 0; i < samples; i++) {
            log.countPredicted();
            meters.predicted();
        }
    }

    @Override
    public void batchTrained(int samples, boolean stepApplied, long nanos, Progress progress) {
        meters.trained(samples);
        if (!stepApplied) {
            meters.skippedStep();
        }
        meters.batch(progress.batchLoss(), nanos, progress.step(), progress.learningRate(), progress.fadingLoss(), progress.fadingAccuracy(),
                progress.windowLoss(), progress.windowAccuracy());
    }

    @Override
    public void drift(DriftDetection d) {
        DriftStatistic statistic = d.statistic();
        DriftEvent event = DriftEvent.newBuilder()
                .setModel(d.model())
                .setModelStep(d.modelStep())
                .setSampleId(d.sampleId())
                .setSamples(statistic.updates())
                .setDetector(statistic.detector())
                .setStatistic(statistic.statistic())
                .setThreshold(statistic.threshold())
                .setMeanBefore(statistic.meanBefore())
                .setMeanAfter(statistic.meanAfter())
                .setReaction(d.reaction())
                .setEventTime(Instant.ofEpochMilli(d.eventTime()))
                .build();
        context.forward(new Record<>(key, NeurostreamSerdes.driftEvent().encode(event), d.timestamp()), NeurostreamTopology.DRIFT_SINK);
        meters.driftDetected(statistic.detector());
        LOG.info("model {}: drift detected by {} at sample {} (model step {}, {} samples read): mean {} before, {} after; reaction {}",
                d.model(), statistic.detector(), d.sampleId(), d.modelStep(), statistic.updates(), statistic.meanBefore(), statistic.meanAfter(),
                d.reaction());
    }

    @Override
    public void metrics(Progress progress, long timestamp) {
        TrainingMetrics record = TrainingMetrics.newBuilder()
                .setModel(progress.model())
                .setStep(progress.step())
                .setSamplesTrained(progress.samplesTrained())
                .setSamplesPredicted(log.predicted())
                .setSamplesDeadLettered(log.deadLettered())
                .setSamplesPending(pending == null ? 0 : pending.count())
                .setLabelsApplied(pending == null ? 0 : pending.applied())
                .setSkippedSteps(progress.skippedSteps())
                .setBatchLoss(progress.batchLoss())
                .setPrequentialLossFading(progress.fadingLoss())
                .setPrequentialAccuracyFading(progress.fadingAccuracy())
                .setPrequentialLossWindow(progress.windowLoss())
                .setPrequentialAccuracyWindow(progress.windowAccuracy())
                .setFadingFactor(progress.fadingFactor())
                .setWindowSize(progress.window())
                .setLearningRate(progress.learningRate())
                .setTimestamp(Instant.ofEpochMilli(timestamp))
                .build();
        context.forward(new Record<>(key, NeurostreamSerdes.trainingMetrics().encode(record), timestamp), NeurostreamTopology.METRICS_SINK);
    }

    private Prediction record(SamplePrediction p) {
        ModelShape shape = p.shape();
        FloatBuffer rows = p.rows();
        int width = shape.outputs();
        int lastRow = (p.sample() + 1) * shape.rows() - 1;
        int offset = lastRow * width;
        List<Float> outputs = null;
        if (width * shape.rows() <= MAX_OUTPUTS_LISTED) {
            outputs = new ArrayList<>(width * shape.rows());
            for (int k = p.sample() * shape.rows() * width; k < (p.sample() + 1) * shape.rows() * width; k++) {
                outputs.add(rows.get(k));
            }
        }
        return Prediction.newBuilder()
                .setSampleId(p.id())
                .setModel(shape.model())
                .setModelStep(p.modelStep())
                .setPredictedClass(Targets.predictedClass(rows, offset, width))
                .setTopK(topK(rows, offset, width, shape.classes()))
                .setOutputs(outputs)
                .setLabel(p.label())
                .setLoss(p.loss())
                .setEventTime(Instant.ofEpochMilli(p.eventTime()))
                .build();
    }

    /** The k most probable classes of one output row, most probable first. */
    private List<ClassProbability> topK(FloatBuffer rows, int offset, int width, int classes) {
        int k = Math.min(topK, classes);
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
}
