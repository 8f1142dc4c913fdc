// Trained heap-path networks end with the same bits as the release that recorded these hashes.
package io.neurostream.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.gradcheck.GradientCheck;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Float32 dense networks at batches up to 32 compute with Java loops only (no BLAS), so on any
 * x86-64 machine a seed and its inputs give one set of bits. The hashes cover the snapshot
 * (weights, optimizer state, counters, generator) without the writer's kernel name; a change to
 * the heap loops, the losses, the activations or the optimizers that moves one bit fails here.
 */
@Tag("numerics")
class GoldenBitsTest {

    /** SHA-256 of the snapshot between the kernel name and the checksum: magic (4) | version (2) | u16 n + n bytes | rest | CRC (4). */
    private static String hash(Network net) {
        byte[] bytes = SnapshotCodec.encode(net);
        int n = ByteBuffer.wrap(bytes, 6, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
        try {
            byte[] rest = Arrays.copyOfRange(bytes, 8 + n, bytes.length - 4);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(rest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Inputs in [-1, 1) with every third value exactly 0 (the heap loops skip zero inputs). */
    private static INDArray input(long seed, int batch, int width) {
        INDArray x = GradientCheck.randomInput(seed, batch, width).castTo(DataType.FLOAT);
        for (long i = 0; i < x.length(); i += 3) {
            x.putScalar(i, 0);
        }
        return x;
    }

    /** Steps of trainStep and evaluateThenTrain, alternating, on fixed random batches; then the hash. */
    private static String train(ModelSpec spec, int steps, int batch, boolean scaledTargets) {
        Network net = Network.create(spec);
        assertTrue(net.computesOnHeap(), spec.name() + " computes on the heap");
        int in = spec.input().shape().dim(0);
        int out = net.outputSize();
        for (int i = 0; i < steps; i++) {
            INDArray x = input(100 + i, batch, in);
            INDArray y = GradientCheck.randomOneHot(200 + i, batch, Math.max(out, 2)).castTo(DataType.FLOAT);
            if (out == 1) {
                y = y.getColumns(0).dup();
            }
            if (scaledTargets) {
                y.muli(0.8).addi(0.1);
            }
            if (i % 2 == 0) {
                net.trainStep(x, y);
            } else {
                net.evaluateThenTrain(x, y);
            }
        }
        return hash(net);
    }

    private static ModelSpec dense(String hidden, String output, String loss, String optimizer) {
        return ModelSpec.parse("""
                {"name": "golden", "input": {"shape": [13]}, "seed": 5, "batch_size": 5,
                 "layers": [{"type": "dense", "units": 9, "activation": "%s"},
                            {"type": "dense", "units": 6, "activation": "tanh"},
                            {"type": "dense", "units": 3, "activation": "%s"}],
                 "loss": "%s", "optimizer": %s}
                """.formatted(hidden, output, loss, optimizer));
    }

    @Test
    void mnistMlpTrainsToTheRecordedBits() {
        assertEquals("3a488c5281e46c85769d14bf3235141e763c331cb3c54f51a2d62a9a85b17dab",
                train(Presets.load("mnist-mlp"), 30, 32, false));
        assertEquals("078a885c8f7fe8c61f30e642762db571cb0920f27b76c69f4e4ae5bd59fa9a93",
                train(Presets.load("mnist-mlp"), 30, 1, false));
    }

    @Test
    void xorTrainsToTheRecordedBits() {
        assertEquals("99eae56e5bdfceaf78844f3b4775ffd28442e356121a797140ad3b4ad61b6b1e",
                train(Presets.load("xor"), 200, 4, false));
    }

    @Test
    void everyHeapLossActivationAndOptimizerTrainsToTheRecordedBits() {
        assertEquals("7188a7cf24173dd4bda799b4b2388f21780bf7712eb05547c83c8f954be02896",
                train(dense("leaky_relu", "sigmoid", "binary_cross_entropy",
                "{\"type\": \"sgd\", \"learning_rate\": 0.1, \"momentum\": 0.9, \"weight_decay\": 0.01}"), 40, 5, false));
        assertEquals("1aa8c5f252faf297b51249a93706afda241e8b07856a3ad26bde62f87602841d",
                train(dense("sigmoid", "identity", "mean_squared_error",
                "{\"type\": \"adam\", \"learning_rate\": 0.01, \"weight_decay\": 0.01}"), 40, 5, true));
        assertEquals("9f8455fc2c5cfd56a26b9622a89ee15a1da63944d85dcd474ece60adf651aa1a",
                train(dense("relu", "identity", "half_squared_error", "{\"type\": \"sgd\", \"learning_rate\": 0.05}"), 40, 5, true));
    }
}
