// Accuracy and mean loss of a network over a whole batch source, in prediction mode.
package io.neurostream.core.train;

import io.neurostream.core.net.Evaluation;
import io.neurostream.core.net.Network;
import io.neurostream.core.net.Targets;
import java.nio.FloatBuffer;
import io.neurostream.core.tensor.HostCopy;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runs the network over every example once (the last batch may be smaller) and averages. */
public final class Evaluator {

    /**
     * @param accuracy fraction of labels (per example, or per time step for sequences) predicted right
     * @param loss     mean per-example loss
     * @param examples examples evaluated
     */
    public record Score(double accuracy, double loss, long examples) {}

    private Evaluator() {}

    public static Score evaluate(Network net, BatchSource source, int batchSize) {
        int n = source.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int outputs = net.outputSize();
        int rowsPerExample = net.outputShape().size() / outputs;
        int[] labels = new int[batchSize * rowsPerExample];
        double lossSum = 0;
        long correct = 0;
        BatchArrays arrays = new BatchArrays(net);
        for (int from = 0; from < n; from += batchSize) {
            int batch = Math.min(batchSize, n - from);
            INDArray inputs = arrays.inputs(batch);
            INDArray targets = arrays.targets(batch);
            source.fill(order, from, inputs, targets, labels);
            Evaluation eval = net.evaluate(inputs, targets);
            lossSum += eval.meanLoss() * batch;
            FloatBuffer out = HostCopy.floats(eval.output());
            for (int r = 0; r < batch * rowsPerExample; r++) {
                if (Targets.predictedClass(out, r * outputs, outputs) == labels[r]) {
                    correct++;
                }
            }
        }
        return new Score((double) correct / ((long) n * rowsPerExample), lossSum / n, n);
    }
}
