// Input and target arrays of a network's shapes, reused per batch size.
package io.neurostream.core.train;

import io.neurostream.core.net.Network;
import io.neurostream.core.tensor.Buffers;
import org.nd4j.linalg.api.ndarray.INDArray;

/** [B, ...in] inputs and [B, ...out] targets in the network's data type; one pair per batch size. */
final class BatchArrays {
    private final Network net;
    private final Buffers buffers;

    BatchArrays(Network net) {
        this.net = net;
        this.buffers = new Buffers(net.dataType());
    }

    INDArray inputs(int batch) {
        return buffers.get("inputs", net.inputShape().withBatch(batch));
    }

    INDArray targets(int batch) {
        return buffers.get("targets", net.outputShape().withBatch(batch));
    }
}
