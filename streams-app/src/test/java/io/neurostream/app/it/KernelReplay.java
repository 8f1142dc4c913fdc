// The restore a task does after a move, in a JVM of its own: decode a snapshot, replay the journal's batches, snapshot again.
package io.neurostream.app.it;

import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.net.Network;
import io.neurostream.core.rng.Rng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code KernelReplay <snapshot in> <from step> <to step> <snapshot out>}: trains the decoded
 * network on batches {@code from..to-1} of {@link #batch} and writes its snapshot. The parent
 * ({@link CrossKernelDeterminismIT}) starts it under other kernels.
 */
final class KernelReplay {
    private static final int BATCH = 32;

    private KernelReplay() {}

    public static void main(String[] args) throws IOException {
        Network net = SnapshotCodec.decode(Files.readAllBytes(Path.of(args[0])));
        train(net, Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        Files.write(Path.of(args[3]), SnapshotCodec.encode(net));
    }

    /** Trains on batches from..to-1. */
    static void train(Network net, int from, int to) {
        for (int step = from; step < to; step++) {
            INDArray[] xy = batch(net, step);
            net.trainStep(xy[0], xy[1]);
        }
    }

    /**
     * Batch {@code step}: inputs uniform in [0, 1) (tokens uniform over the vocabulary for a token
     * input) and one-hot targets of uniform classes, drawn from a generator seeded by the step.
     */
    static INDArray[] batch(Network net, int step) {
        Rng rng = new Rng(1_000 + step);
        INDArray x = Nd4j.create(DataType.FLOAT, net.inputShape().withBatch(BATCH));
        int vocabulary = net.spec().input().vocabulary();
        for (long i = 0; i < x.length(); i++) {
            x.putScalar(i, vocabulary > 0 ? rng.nextInt(vocabulary) : rng.nextDouble());
        }
        INDArray y = Nd4j.create(DataType.FLOAT, net.outputShape().withBatch(BATCH));
        int classes = net.outputSize();
        for (long row = 0; row < y.length() / classes; row++) {
            y.putScalar(row * classes + rng.nextInt(classes), 1.0);
        }
        return new INDArray[] {x, y};
    }
}
