// One libnd4j custom op (conv2d, maxpool2d, ...) called through a reused OpContext into preallocated outputs (DESIGN.md §2).
package io.neurostream.core.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Builds the op and its context once, with fixed integer arguments; each call only swaps the
 * input and output arrays, so no op object or shape calculation is allocated per call.
 * {@code helpers} = false keeps the op off the platform helpers (oneDNN), which are slower for
 * pooling on the onednn build.
 */
final class NativeOp {
    private final DynamicCustomOp op;
    private final OpContext context;

    NativeOp(String name, boolean helpers, long... intArgs) {
        this.op = DynamicCustomOp.builder(name).build();
        this.context = Nd4j.getExecutioner().buildContext();
        context.setIArguments(intArgs);
        context.allowHelpers(helpers);
    }

    NativeOp input(int index, INDArray array) {
        context.setInputArray(index, array);
        return this;
    }

    NativeOp output(int index, INDArray array) {
        context.setOutputArray(index, array);
        return this;
    }

    /** Runs the op on the inputs and outputs set last (all preallocated by the caller). */
    void run() {
        Nd4j.getExecutioner().exec(op, context);
    }
}
