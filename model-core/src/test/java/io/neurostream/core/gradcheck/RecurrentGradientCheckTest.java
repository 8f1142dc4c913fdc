// Gradient checks through time (float64, central differences) for the recurrent and token layers, alone and stacked.
package io.neurostream.core.gradcheck;

import io.neurostream.core.net.Network;
import io.neurostream.core.rng.Rng;
import io.neurostream.core.spec.ModelSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

@Tag("numerics")
class RecurrentGradientCheckTest {
    private static final int BATCH = 3;
    private static final int STEPS = 6;     // T
    private static final int FEATURES = 3;  // D
    private static final int CLASSES = 4;   // K, also the token vocabulary V

    private static Network net(String input, String layers) {
        return Network.create(ModelSpec.parse("""
                {"name": "check", "input": %s, "dtype": "float64", "seed": 5,
                 "layers": [%s], "loss": "cross_entropy", "optimizer": {"type": "sgd"}}
                """.formatted(input, layers)));
    }

    /** A [B, T, D] value sequence in, a softmax over K classes at every step out. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        """
        {"type": "simple_rnn", "units": 5, "return_sequences": true}""",
        """
        {"type": "lstm", "units": 5, "return_sequences": true}""",
        """
        {"type": "bidirectional", "layer": {"type": "simple_rnn", "units": 4, "return_sequences": true}}""",
        """
        {"type": "bidirectional", "layer": {"type": "lstm", "units": 4, "return_sequences": true}},
        {"type": "bidirectional", "layer": {"type": "lstm", "units": 3, "return_sequences": true}}""",
        """
        {"type": "lstm", "units": 4, "return_sequences": true}, {"type": "simple_rnn", "units": 3, "return_sequences": true}"""
    })
    void sequenceToSequenceBackPropagatesThroughTime(String recurrent) {
        Network net = net("{\"shape\": [%d, %d]}".formatted(STEPS, FEATURES),
                recurrent + ", {\"type\": \"time_distributed\", \"units\": %d, \"activation\": \"softmax\"}".formatted(CLASSES));
        INDArray x = GradientCheck.randomInput(11, BATCH, STEPS, FEATURES);
        GradientCheck.check(net, x, oneHotSequence(12, CLASSES), 400);
    }

    /** Only the last step's output feeds a dense softmax: the gradient enters at one step and flows back through all. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        """
        {"type": "simple_rnn", "units": 5}""",
        """
        {"type": "lstm", "units": 5}""",
        """
        {"type": "bidirectional", "layer": {"type": "lstm", "units": 4}}""",
        """
        {"type": "bidirectional", "layer": {"type": "simple_rnn", "units": 4, "return_sequences": true}},
        {"type": "bidirectional", "layer": {"type": "lstm", "units": 3}}"""
    })
    void sequenceToOneBackPropagatesThroughTime(String recurrent) {
        Network net = net("{\"shape\": [%d, %d]}".formatted(STEPS, FEATURES),
                recurrent + ", {\"type\": \"dense\", \"units\": %d, \"activation\": \"softmax\"}".formatted(CLASSES));
        INDArray x = GradientCheck.randomInput(13, BATCH, STEPS, FEATURES);
        GradientCheck.check(net, x, GradientCheck.randomOneHot(14, BATCH, CLASSES), 400);
    }

    /** Token input: the embedding table's gradient (and the one-hot path) through an LSTM. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        """
        {"type": "embedding", "units": 3}, {"type": "lstm", "units": 4, "return_sequences": true}""",
        """
        {"type": "one_hot"}, {"type": "simple_rnn", "units": 4, "return_sequences": true}""",
        """
        {"type": "embedding", "units": 3}, {"type": "time_distributed", "units": 5, "activation": "tanh"}"""
    })
    void tokenInputsBackPropagate(String layers) {
        Network net = net("{\"shape\": [%d], \"vocabulary\": %d}".formatted(STEPS, CLASSES),
                layers + ", {\"type\": \"time_distributed\", \"activation\": \"softmax\"}");
        GradientCheck.check(net, randomTokens(15, CLASSES), oneHotSequence(16, CLASSES), 400);
    }

    private static INDArray oneHotSequence(long seed, int classes) {
        return GradientCheck.randomOneHot(seed, BATCH * STEPS, classes).reshape('c', BATCH, STEPS, classes);
    }

    private static INDArray randomTokens(long seed, int vocabulary) {
        Rng rng = new Rng(seed);
        INDArray tokens = Nd4j.create(DataType.DOUBLE, BATCH, STEPS);
        for (long i = 0; i < tokens.length(); i++) {
            tokens.putScalar(i, rng.nextInt(vocabulary));
        }
        return tokens;
    }
}
