// Resolves --data for offline training: an MNIST-layout directory, a text file, or a synthetic set by name.
package io.neurostream.app.cli;

import io.neurostream.core.data.DataLocator;
import io.neurostream.core.data.Dataset;
import io.neurostream.core.data.Mnist;
import io.neurostream.core.data.Synthetic;
import io.neurostream.core.data.TextCorpus;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.train.BatchSource;
import io.neurostream.core.train.DatasetBatches;
import io.neurostream.core.train.TextBatches;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code --data DIR} reads {@code train-*} and {@code t10k-*} IDX files (MNIST, Fashion-MNIST);
 * {@code --data FILE.txt} is a text for a next-character token model: the first 90% trains, the
 * last 10% is held out, and {@link #forText} sets the model's vocabulary from the text;
 * {@code --data linear|and|or|xor|circle} generates a synthetic set (a training set from the
 * seed and a test set from another seed); without {@code --data} a model with 784 inputs gets
 * the bundled MNIST.
 *
 * @param heldOutText the held-out part of a text (to prime generation), else null
 */
record TrainingData(String description, BatchSource train, BatchSource test, TextCorpus heldOutText) {
    static final double TEXT_HELD_OUT_FRACTION = 0.1;
    static final int SYNTHETIC_TRAIN_SIZE = 4_000;
    static final int SYNTHETIC_TEST_SIZE = 1_000;
    private static final int MNIST_PIXELS = 28 * 28;

    /** The text of {@code --data} when it names a regular file, else null. */
    static TextCorpus text(String data) {
        return data != null && Files.isRegularFile(Path.of(data)) ? TextCorpus.load(Path.of(data)) : null;
    }

    /** The spec with its token input sized to the text: input.vocabulary = the text's distinct characters, T kept. */
    static ModelSpec forText(ModelSpec spec, TextCorpus text) {
        if (!spec.input().isTokens() || spec.input().shape().rank() != 1) {
            throw new IllegalArgumentException("--data " + text.name() + " is a text; model " + spec.name() + " takes input "
                    + spec.input().shape() + " without a vocabulary (a text needs a token model such as char-lstm)");
        }
        return spec.with(Map.of("input", Map.of("shape", List.of(spec.input().shape().dim(0)), "vocabulary", text.vocabularySize())));
    }

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
                    new DatasetBatches(train, net), new DatasetBatches(test, net), null);
        }
        TextCorpus text = text(data);
        if (text != null) {
            TextCorpus.Split split = text.split(TEXT_HELD_OUT_FRACTION);
            return new TrainingData(String.format("%s (%,d characters, vocabulary %d; %,d train / %,d held out)", data, text.length(),
                    text.vocabularySize(), split.training().length(), split.heldOut().length()),
                    new TextBatches(split.training(), net), new TextBatches(split.heldOut(), net), split.heldOut());
        }
        Path dir = Path.of(data);
        if (Files.isDirectory(dir)) {
            return mnist(dir, net);
        }
        throw new IllegalArgumentException("--data " + data + ": not a directory of IDX files, a text file, nor one of the synthetic sets "
                + String.join(", ", Synthetic.NAMES));
    }

    private static TrainingData mnist(Path dir, Network net) {
        Dataset train = Mnist.train(dir);
        Dataset test = Mnist.test(dir);
        return new TrainingData(dir + " (" + train.size() + " train / " + test.size() + " test images)",
                new DatasetBatches(train, net), new DatasetBatches(test, net), null);
    }
}
