// An LSTM network's state: bit-identical training from a seed, codec round trips, truncated BPTT, and text sampling.
package io.neurostream.core.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.gradcheck.GradientCheck;
import io.neurostream.core.rng.Rng;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

@Tag("numerics")
class RecurrentNetworkTest {
    private static final int STEPS = 12;
    private static final int VOCABULARY = 7;

    /** A small char-lstm: the preset with a short window, a small vocabulary and a narrow LSTM. */
    private static ModelSpec smallCharLstm(long seed) {
        return Presets.load("char-lstm").with(Map.of("seed", seed,
                "input", Map.of("shape", new int[] {STEPS}, "vocabulary", VOCABULARY),
                "layers", new Object[] {Map.of("type", "embedding", "units", 5),
                        Map.of("type", "bidirectional", "layer", Map.of("type", "lstm", "units", 6, "return_sequences", true)),
                        Map.of("type", "lstm", "units", 8, "return_sequences", true, "truncation", 5),
                        Map.of("type", "time_distributed", "activation", "softmax")}));
    }

    private static INDArray tokens(long seed, int batch) {
        Rng rng = new Rng(seed);
        INDArray x = Nd4j.create(DataType.FLOAT, batch, STEPS);
        for (long i = 0; i < x.length(); i++) {
            x.putScalar(i, rng.nextInt(VOCABULARY));
        }
        return x;
    }

    private static INDArray nextTokenTargets(INDArray tokens) {
        int batch = (int) tokens.size(0);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, STEPS, VOCABULARY);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < STEPS; t++) {
                int next = t + 1 < STEPS ? tokens.getInt(b, t + 1) : 0;
                y.putScalar(new long[] {b, t, next}, 1.0);
            }
        }
        return y;
    }

    private static Network trained(long seed, int steps) {
        Network net = Network.create(smallCharLstm(seed));
        for (int i = 0; i < steps; i++) {
            INDArray x = tokens(100 + i, 8);
            net.trainStep(x, nextTokenTargets(x));
        }
        return net;
    }

    @Test
    void sameSeedAndInputsGiveBitIdenticalLstmSnapshots() {
        assertArrayEquals(SnapshotCodec.encode(trained(3, 10)), SnapshotCodec.encode(trained(3, 10)));
        assertFalse(Arrays.equals(SnapshotCodec.encode(trained(3, 2)), SnapshotCodec.encode(trained(4, 2))));
    }

    @Test
    void decodedLstmPredictsAndTrainsOnBitIdentically() {
        Network original = trained(5, 6);
        Network restored = SnapshotCodec.decode(SnapshotCodec.encode(original));
        INDArray x = tokens(7, 4);
        assertEquals(original.predict(x), restored.predict(x));
        INDArray more = tokens(8, 8);
        original.trainStep(more, nextTokenTargets(more));
        restored.trainStep(more, nextTokenTargets(more));
        assertArrayEquals(SnapshotCodec.encode(original), SnapshotCodec.encode(restored));
    }

    /** Truncation k >= T is full BPTT; a shorter k cuts the gradient that earlier steps receive from later losses. */
    @Test
    void truncationCutsOnlyTheGradientCarriedAcrossChunks() {
        INDArray x = GradientCheck.randomInput(1, 3, STEPS, 4);
        INDArray y = GradientCheck.randomOneHot(2, 3 * STEPS, 3).reshape('c', 3, STEPS, 3);
        INDArray full = gradient(0, x, y);
        assertEquals(full, gradient(STEPS, x, y));
        INDArray truncated = gradient(4, x, y);
        assertFalse(full.equalsWithEps(truncated, 1e-9));
        INDArray outputLayer = gradientOf(4, x, y, "1.W");
        assertEquals(gradientOf(0, x, y, "1.W"), outputLayer, "the output layer's gradient does not depend on truncation");
    }

    private static INDArray gradient(int truncation, INDArray x, INDArray y) {
        return gradientOf(truncation, x, y, "0.Wh");
    }

    private static INDArray gradientOf(int truncation, INDArray x, INDArray y, String parameter) {
        Network net = Network.create(ModelSpec.parse("""
                {"name": "tbptt", "input": {"shape": [%d, 4]}, "dtype": "float64", "seed": 2,
                 "layers": [{"type": "lstm", "units": 5, "return_sequences": true, "truncation": %d},
                            {"type": "time_distributed", "units": 3, "activation": "softmax"}],
                 "loss": "cross_entropy", "optimizer": {"type": "sgd"}}
                """.formatted(STEPS, truncation)));
        net.computeGradients(x, y);
        return net.params().gradient(parameter).dup();
    }

    @Test
    void samplerDrawsFromTheModelsDistributionWithItsOwnGenerator() {
        Network net = trained(9, 3);
        long[] rngBefore = net.rng().state();
        int[] prime = new int[STEPS];
        int[] first = new Sampler(net, 0.8, 1).generate(prime, 40);
        int[] again = new Sampler(net, 0.8, 1).generate(prime, 40);
        assertArrayEquals(first, again, "same seed, same text");
        assertArrayEquals(rngBefore, net.rng().state(), "sampling leaves the model's generator alone");
        assertTrue(Arrays.stream(first).allMatch(k -> k >= 0 && k < VOCABULARY));
        int[] greedy = new Sampler(net, 1e-3, 2).generate(prime, 1);
        INDArray window = Nd4j.zeros(DataType.FLOAT, 1, STEPS);
        INDArray last = net.predict(window).get(NDArrayIndex.point(0), NDArrayIndex.point(STEPS - 1)); // [V]
        assertEquals(last.argMax().getInt(0), greedy[0], "a near-zero temperature picks the most likely token");
        assertThrows(IllegalArgumentException.class, () -> new Sampler(net, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(net, 1, 1).generate(new int[STEPS - 1], 5));
    }
}
