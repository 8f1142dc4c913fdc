// Where the offline trainer and the benchmarks get mini-batches: fills reused input and target arrays.
package io.neurostream.core.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A finite set of training examples that can be written into a batch by index. */
public interface BatchSource {

    /** Number of examples. */
    int size();

    /**
     * Writes examples {@code order[from .. from+B-1]} into {@code inputs} [B, ...in] and
     * {@code targets} [B, ...out] (one-hot for classes) and their class labels into
     * {@code labels} [B * rowsPerExample] (a sequence example has one label per time step).
     */
    void fill(int[] order, int from, INDArray inputs, INDArray targets, int[] labels);
}
