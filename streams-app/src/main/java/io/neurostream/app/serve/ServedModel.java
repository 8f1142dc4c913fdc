// One published version of a model, ready to predict from many threads: a pool of network copies.
package io.neurostream.app.serve;

import io.neurostream.app.training.ModelShape;
import io.neurostream.app.versions.PublishedModel;
import io.neurostream.core.net.Network;
import io.neurostream.core.tensor.Buffers;
import io.neurostream.core.tensor.HostCopy;
import java.nio.FloatBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Immutable to its users. A {@link Network} is not thread-safe (its layers reuse their output
 * buffers, the heap path its row arrays), so each request borrows a copy of its own from a
 * lock-free pool and gives it back; the copies are decoded from the published bytes when the version
 * is swapped in (one per prediction slot of the server), and again only if the pool is ever empty. A
 * request that began on this version finishes on it after a newer one is swapped in; the old
 * copies are then garbage.
 */
final class ServedModel {
    private final PublishedModel published;
    private final ModelShape shape;
    private final ConcurrentLinkedQueue<Replica> pool = new ConcurrentLinkedQueue<>();

    private record Replica(Network net, Buffers buffers) {}

    /**
     * Decodes {@code copies} copies now (at least one), off the request path: a version that does
     * not decode is refused before it is swapped in, and the first requests on it find their copies ready.
     */
    ServedModel(PublishedModel published, int copies) {
        this.published = published;
        Replica first = replica();
        this.shape = ModelShape.of(first.net());
        pool.add(first);
        for (int i = 1; i < copies; i++) {
            pool.add(replica());
        }
    }

    PublishedModel published() {
        return published;
    }

    String name() {
        return published.name();
    }

    long version() {
        return published.version();
    }

    ModelShape shape() {
        return shape;
    }

    /** The output rows of a batch: {@code inputs} holds n samples of {@code shape().inputSize()} values; returns n x targetSize values. */
    float[] predict(float[] inputs, int n) {
        Replica replica = pool.poll();
        if (replica == null) {
            replica = replica();
        }
        try {
            Network net = replica.net();
            INDArray x = replica.buffers().get("inputs", net.dataType(), net.inputShape().withBatch(n));
            HostCopy.copy(inputs, n * shape.inputSize(), x);
            INDArray y = net.predict(x);
            FloatBuffer rows = HostCopy.floats(y);
            float[] out = new float[n * shape.targetSize()];
            rows.get(0, out);
            return out;
        } finally {
            pool.add(replica);
        }
    }

    private Replica replica() {
        Network net = published.network();
        return new Replica(net, new Buffers(net.dataType()));
    }
}
