// Resolves --data for offline training: an MNIST-layout directory, or a synthetic set by name.
package io.neurostream.app.cli;

import io.neurostream.core.data.DataLocator;
import io.neurostream.core.data.Dataset;
import io.neurostream.core.data.Mnist;
import io.neurostream.core.data.Synthetic;
import io.neurostream.core.net.Network;
import io.neurostream.core.train.BatchSource;
import io.neurostream.core.train.DatasetBatches;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code --data DIR} reads {@code train-*} and {@code t10k-*} IDX files (MNIST, Fashion-MNIST);
 * {@code --data linear|and|or|xor|circle} generates a synthetic set (a training set from the
 * seed and a test set from another seed); without {@code --data} a model with 784 inputs gets
 * the bundled MNIST.
 */
record TrainingData(String description, BatchSource train, BatchSource test) {
    static final int SYNTHETIC_TRAIN_SIZE = 4_000;
    static final int SYNTHETIC_TEST_SIZE = 1_000;
    private static final int MNIST_PIXELS = 28 * 28;

    static TrainingData resolve(String data, Network net, long seed) {
        if (data == null) {
            if (net.inputShape().size() != MNIST_PIXELS) {
                throw new IllegalArgumentException("--data is required for model " + net.spec().name()
                        + " (only models with 784 inputs default to the bundled MNIST)");
            }
            return mnist(DataLocator.locate().resolve("mnist"), net);
        }
        if (Synthetic.NAMES.contains(data)) {
            Dataset train = Synthetic.byName(data, SYNTHETIC_TRAIN_SIZE, seed);
            Dataset test = Synthetic.byName(data, SYNTHETIC_TEST_SIZE, seed + 1);
            return new TrainingData(data + " (synthetic, " + train.size() + " train / " + test.size() + " test)",
                    new DatasetBatches(train, net), new DatasetBatches(test, net));
        }
        Path dir = Path.of(data);
        if (Files.isDirectory(dir)) {
            return mnist(dir, net);
        }
        throw new IllegalArgumentException("--data " + data + ": not a directory of IDX files nor one of the synthetic sets "
                + String.join(", ", Synthetic.NAMES));
    }

    private static TrainingData mnist(Path dir, Network net) {
        Dataset train = Mnist.train(dir);
        Dataset test = Mnist.test(dir);
        return new TrainingData(dir + " (" + train.size() + " train / " + test.size() + " test images)",
                new DatasetBatches(train, net), new DatasetBatches(test, net));
    }
}
