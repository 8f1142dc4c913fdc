// The course's first classifiers on 2-D points: a perceptron separates a linear set; one hidden layer encloses a circle.
package io.neurostream.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.data.Dataset;
import io.neurostream.core.data.Synthetic;
import io.neurostream.core.spec.Presets;
import io.neurostream.core.train.DatasetBatches;
import io.neurostream.core.train.Evaluator;
import io.neurostream.core.train.Trainer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("numerics")
class SyntheticNetworksTest {

    /** Trains the preset on a training set and scores it on a held-out set drawn with another seed. */
    private static Evaluator.Score trainAndTest(String preset, String set, int trainSize, int epochs) {
        return trainAndTest(preset, set, trainSize, epochs, Presets.load(preset).batchSize());
    }

    private static Evaluator.Score trainAndTest(String preset, String set, int trainSize, int epochs, int batch) {
        Network net = Network.create(Presets.load(preset));
        Dataset train = Synthetic.byName(set, trainSize, 1);
        Dataset test = Synthetic.byName(set, 2_000, 2);
        Trainer trainer = new Trainer(epochs, batch, 7, Double.MAX_VALUE, p -> {});
        return trainer.train(net, new DatasetBatches(train, net), new DatasetBatches(test, net)).test();
    }

    @Test
    void aPerceptronSeparatesTheLinearSetCompletely() {
        Evaluator.Score score = trainAndTest("perceptron", "linear", 500, 5);
        assertEquals(2_000, score.examples());
        assertEquals(1.0, score.accuracy(), "held-out accuracy of the perceptron on the linearly separable set");
    }

    @Test
    void oneHiddenLayerEnclosesTheCircle() {
        Evaluator.Score score = trainAndTest("circle", "circle", 4_000, 20, 64);
        assertTrue(score.accuracy() >= 0.97, "held-out accuracy on the circle set: " + score.accuracy());
    }

    @Test
    void aPerceptronCannotEncloseTheCircle() {
        Evaluator.Score score = trainAndTest("perceptron", "circle", 1_000, 1);
        assertTrue(score.accuracy() < 0.75, "a single neuron draws a line, not a circle: " + score.accuracy());
    }
}
