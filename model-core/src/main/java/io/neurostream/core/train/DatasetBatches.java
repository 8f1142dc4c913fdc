// Batches of a labelled Dataset (feature vectors or images) for a network whose input has the same size.
package io.neurostream.core.train;

import io.neurostream.core.data.Dataset;
import io.neurostream.core.net.Network;
import io.neurostream.core.net.Targets;
import io.neurostream.core.tensor.HostCopy;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Copies samples into float32 batches: the dataset's features fill the network's input shape in
 * order (MNIST's [1, 28, 28] feeds a [784] input as well as a [1, 28, 28] one), labels become
 * targets through {@link Targets}. Reuses its scratch arrays; allocates nothing per batch.
 */
public final class DatasetBatches implements BatchSource {
    private final Dataset dataset;
    private final int features;
    private final int outputs;
    private float[] inputScratch = new float[0];
    private float[] targetScratch = new float[0];

    public DatasetBatches(Dataset dataset, Network net) {
        int expected = net.inputShape().size();
        if (dataset.featureCount() != expected) {
            throw new IllegalArgumentException("dataset " + dataset.name() + " has " + dataset.featureCount()
                    + " features per sample, model " + net.spec().name() + " expects " + expected + " (input " + net.inputShape() + ")");
        }
        if (net.outputShape().rank() != 1) {
            throw new IllegalArgumentException("model " + net.spec().name() + " has a sequence output " + net.outputShape()
                    + "; dataset " + dataset.name() + " has one label per sample");
        }
        if (dataset.classes() > net.classes()) {
            throw new IllegalArgumentException("dataset " + dataset.name() + " has " + dataset.classes()
                    + " classes, model " + net.spec().name() + " predicts " + net.classes());
        }
        this.dataset = dataset;
        this.features = expected;
        this.outputs = net.outputSize();
    }

    @Override
    public int size() {
        return dataset.size();
    }

    @Override
    public void fill(int[] order, int from, INDArray inputs, INDArray targets, int[] labels) {
        int batch = (int) inputs.size(0);
        if (inputScratch.length < batch * features) {
            inputScratch = new float[batch * features];
            targetScratch = new float[batch * outputs];
        }
        for (int b = 0; b < batch; b++) {
            int index = order[from + b];
            dataset.features(index, inputScratch, b * features);
            labels[b] = dataset.label(index);
            Targets.fromLabel(labels[b], outputs, targetScratch, b * outputs);
        }
        HostCopy.copy(inputScratch, batch * features, inputs);
        HostCopy.copy(targetScratch, batch * outputs, targets);
    }
}
