// What recurrent nets can learn: an LSTM remembers over 20+ steps where a simple RNN does not; a bidirectional net sees the future.
package io.neurostream.core.net;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.rng.Rng;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.tensor.HostCopy;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class RecurrentLearningTest {
    private static final int BATCH = 32;

    /** A token-sequence task: fills inputs [B, T] and labels [B * rows] from a generator. */
    private interface Task {
        void draw(Rng rng, float[] tokens, int[] labels);
    }

    /**
     * Recall: the first token is a signal 0 or 1, the next T-1 are noise tokens 2..V-1, and the
     * label (after the last step) is the signal.
     */
    private static Task recall(int steps, int vocabulary) {
        return (rng, tokens, labels) -> {
            for (int b = 0; b < BATCH; b++) {
                int signal = rng.nextInt(2);
                tokens[b * steps] = signal;
                for (int t = 1; t < steps; t++) {
                    tokens[b * steps + t] = 2 + rng.nextInt(vocabulary - 2);
                }
                labels[b] = signal;
            }
        };
    }

    /** Next token: random tokens, each position labelled with the token after it (the last one with token 0). */
    private static Task nextToken(int steps, int vocabulary) {
        return (rng, tokens, labels) -> {
            for (int i = 0; i < BATCH * steps; i++) {
                tokens[i] = rng.nextInt(vocabulary);
            }
            for (int b = 0; b < BATCH; b++) {
                for (int t = 0; t < steps; t++) {
                    labels[b * steps + t] = t + 1 < steps ? (int) tokens[b * steps + t + 1] : 0;
                }
            }
        };
    }

    /** Trains on fresh batches and returns the accuracy on new ones (per label). */
    private static double trainAndScore(String layers, String optimizer, int steps, int vocabulary, int classes, boolean perStep,
                                        Task task, int trainingSteps) {
        Network net = Network.create(ModelSpec.parse("""
                {"name": "task", "input": {"shape": [%d], "vocabulary": %d}, "seed": 1,
                 "layers": [{"type": "one_hot"}, %s], "loss": "cross_entropy",
                 "optimizer": %s}
                """.formatted(steps, vocabulary, layers, optimizer)));
        int rows = perStep ? steps : 1;
        Rng rng = new Rng(99);
        float[] tokens = new float[BATCH * steps];
        int[] labels = new int[BATCH * rows];
        float[] targets = new float[BATCH * rows * classes];
        INDArray x = Nd4j.create(DataType.FLOAT, BATCH, steps);
        INDArray y = Nd4j.create(DataType.FLOAT, net.outputShape().withBatch(BATCH));
        for (int i = 0; i < trainingSteps; i++) {
            task.draw(rng, tokens, labels);
            for (int r = 0; r < labels.length; r++) {
                Targets.fromLabel(labels[r], classes, targets, r * classes);
            }
            HostCopy.copy(tokens, tokens.length, x);
            HostCopy.copy(targets, targets.length, y);
            net.trainStep(x, y);
        }
        int correct = 0;
        int total = 0;
        for (int i = 0; i < 8; i++) {
            task.draw(rng, tokens, labels);
            HostCopy.copy(tokens, tokens.length, x);
            FloatBuffer out = HostCopy.floats(net.predict(x));
            for (int r = 0; r < labels.length; r++) {
                correct += Targets.predictedClass(out, r * classes, classes) == labels[r] ? 1 : 0;
                total++;
            }
        }
        return (double) correct / total;
    }

    /**
     * Gradient descent with momentum, as in the course: the simple RNN's gradient from the last
     * step back to the first vanishes over 30 tanh steps, while the LSTM's cell state (forget gate
     * opened at init) carries it. (With Adam, whose per-weight scaling magnifies tiny gradients, a
     * simple RNN of this size does learn to latch this signal: the contrast is about plain BPTT.)
     */
    @Test
    void lstmRecallsTheFirstTokenAfterManyStepsWhereASimpleRnnCannot() {
        int steps = 30;
        int vocabulary = 10;
        int trainingSteps = 100;
        String sgd = "{\"type\": \"sgd\", \"learning_rate\": 0.1, \"momentum\": 0.9}";
        String out = ", {\"type\": \"dense\", \"units\": 2, \"activation\": \"softmax\"}";
        double lstm = trainAndScore("{\"type\": \"lstm\", \"units\": 16}" + out, sgd,
                steps, vocabulary, 2, false, recall(steps, vocabulary), trainingSteps);
        double rnn = trainAndScore("{\"type\": \"simple_rnn\", \"units\": 16}" + out, sgd,
                steps, vocabulary, 2, false, recall(steps, vocabulary), trainingSteps);
        System.out.printf("recall after %d steps: lstm %.3f, simple_rnn %.3f%n", steps, lstm, rnn);
        assertTrue(lstm > 0.95, "lstm accuracy " + lstm);
        assertTrue(rnn < 0.75, "simple_rnn accuracy " + rnn);
    }

    @Test
    void bidirectionalNetPredictsTheFollowingTokenWhereAForwardNetCannot() {
        int steps = 10;
        int vocabulary = 5;
        int trainingSteps = 250;
        String adam = "{\"type\": \"adam\", \"learning_rate\": 0.01}";
        String out = ", {\"type\": \"time_distributed\", \"activation\": \"softmax\"}";
        double bidirectional = trainAndScore(
                "{\"type\": \"bidirectional\", \"layer\": {\"type\": \"lstm\", \"units\": 12, \"return_sequences\": true}}" + out, adam,
                steps, vocabulary, vocabulary, true, nextToken(steps, vocabulary), trainingSteps);
        double forward = trainAndScore("{\"type\": \"lstm\", \"units\": 24, \"return_sequences\": true}" + out, adam,
                steps, vocabulary, vocabulary, true, nextToken(steps, vocabulary), trainingSteps);
        System.out.printf("next token: bidirectional %.3f, forward %.3f%n", bidirectional, forward);
        assertTrue(bidirectional > 0.95, "bidirectional accuracy " + bidirectional);
        assertTrue(forward < 0.35, "forward accuracy " + forward);
    }
}
