// Offline training: epochs of shuffled mini-batches from a BatchSource, progress reports, and a final test score.
package io.neurostream.core.train;

import io.neurostream.core.data.Shuffle;
import io.neurostream.core.net.Network;
import io.neurostream.core.net.StepResult;
import java.util.function.Consumer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Trains for a number of epochs; each epoch visits every example once in the order
 * {@link Shuffle#permutation} gives for {@code Shuffle.epochSeed(seed, epoch)}, so a run is
 * reproducible. A last partial batch is trained as a smaller batch. A run may be bounded further
 * by a number of samples (reproducible) or of seconds (not): it stops after the first batch
 * that reaches either limit.
 */
public final class Trainer {

    /** Reported about every {@code reportEverySeconds}: running throughput and the mean batch loss since the last report. */
    public record Progress(int epoch, int epochs, long samples, long totalSamples, double seconds, double samplesPerSecond, double loss) {}

    /** The outcome of a run. */
    public record Result(String model, long samples, double seconds, double samplesPerSecond, long skippedSteps,
                         Evaluator.Score test) {}

    private final int epochs;
    private final int batchSize;
    private final long shuffleSeed;
    private final double reportEverySeconds;
    private final Consumer<Progress> progress;
    private final long maxSamples;    // 0: no limit
    private final double maxSeconds;  // 0: no limit

    public Trainer(int epochs, int batchSize, long shuffleSeed, double reportEverySeconds, Consumer<Progress> progress) {
        this(epochs, batchSize, shuffleSeed, reportEverySeconds, progress, 0, 0);
    }

    /** As the other constructor, stopping after {@code maxSamples} samples or {@code maxSeconds} seconds (0: no limit). */
    public Trainer(int epochs, int batchSize, long shuffleSeed, double reportEverySeconds, Consumer<Progress> progress,
                   long maxSamples, double maxSeconds) {
        if (maxSamples < 0 || !(maxSeconds >= 0)) {
            throw new IllegalArgumentException("sample and time limits must be >= 0, got " + maxSamples + " and " + maxSeconds);
        }
        this.maxSamples = maxSamples;
        this.maxSeconds = maxSeconds;
        if (epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("epochs and batch size must be >= 1, got " + epochs + " and " + batchSize);
        }
        this.epochs = epochs;
        this.batchSize = batchSize;
        this.shuffleSeed = shuffleSeed;
        this.reportEverySeconds = reportEverySeconds;
        this.progress = progress;
    }

    public Result train(Network net, BatchSource train, BatchSource test) {
        int n = train.size();
        long total = maxSamples > 0 ? Math.min((long) n * epochs, maxSamples) : (long) n * epochs;
        BatchArrays arrays = new BatchArrays(net);
        int rowsPerExample = net.outputShape().size() / net.outputSize();
        int[] labels = new int[batchSize * rowsPerExample];
        long start = System.nanoTime();
        long lastReport = start;
        long samples = 0;
        double lossSum = 0;
        int lossBatches = 0;
        long skippedBefore = net.counters().skippedSteps();
        boolean limitReached = false;
        for (int epoch = 0; epoch < epochs && !limitReached; epoch++) {
            int[] order = Shuffle.permutation(n, Shuffle.epochSeed(shuffleSeed, epoch));
            for (int from = 0; from < n && !limitReached; from += batchSize) {
                int batch = Math.min(batchSize, n - from);
                INDArray inputs = arrays.inputs(batch);
                INDArray targets = arrays.targets(batch);
                train.fill(order, from, inputs, targets, labels);
                StepResult step = net.trainStep(inputs, targets);
                samples += batch;
                if (Double.isFinite(step.loss())) {
                    lossSum += step.loss();
                    lossBatches++;
                }
                long now = System.nanoTime();
                limitReached = (maxSamples > 0 && samples >= maxSamples) || (maxSeconds > 0 && (now - start) / 1e9 >= maxSeconds);
                if ((now - lastReport) / 1e9 >= reportEverySeconds) {
                    double seconds = (now - start) / 1e9;
                    progress.accept(new Progress(epoch + 1, epochs, samples, total, seconds, samples / seconds,
                            lossBatches == 0 ? Double.NaN : lossSum / lossBatches));
                    lastReport = now;
                    lossSum = 0;
                    lossBatches = 0;
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Evaluator.Score score = Evaluator.evaluate(net, test, Math.max(batchSize, 256));
        return new Result(net.spec().name(), samples, seconds, samples / seconds,
                net.counters().skippedSteps() - skippedBefore, score);
    }
}
