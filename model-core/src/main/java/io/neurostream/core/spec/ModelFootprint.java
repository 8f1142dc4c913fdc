// What a model spec would cost before anything is allocated: parameter count and activation bytes per batch, from the layers' shapes.
package io.neurostream.core.spec;

import io.neurostream.core.layers.Layer;
import io.neurostream.core.params.ParamSpec;
import io.neurostream.core.tensor.Shape;

/**
 * Layers are built for their shapes only (a layer allocates nothing until it is bound and run),
 * and every count is 64-bit, saturating at Long.MAX_VALUE, so a spec of 200,000,000 units or a
 * [65536, 65536, 65536] input is measured, not allocated.
 *
 * @param parameters      every parameter value (trainable and state), as {@code Params} will allocate them
 * @param trainable       the trainable ones among them (not state such as BatchNorm's running averages)
 * @param activationBytes one mini-batch's forward outputs and their gradients, and the layers' workspaces: batch x (2 x (input + every
 *                        layer's output) + every layer's {@link Layer#workspaceValues()}) x element size
 */
public record ModelFootprint(long parameters, long trainable, long activationBytes) {

    /**
     * Measures a parsed spec by building its layers' shapes.
     *
     * @throws SpecException naming the layer when a layer does not fit its input or a size overflows
     */
    public static ModelFootprint of(ModelSpec spec) {
        BuildContext context = spec.buildContext();
        Shape shape = spec.input().shape();
        long parameters = 0;
        long trainable = 0;
        long values = shape.count();
        long workspace = 0;
        for (int i = 0; i < spec.layers().size(); i++) {
            String path = "layers[" + i + "]";
            try {
                for (Layer layer : spec.layers().get(i).build(shape, context, path)) {
                    for (ParamSpec p : layer.params()) {
                        parameters = add(parameters, length(p.shape()));
                        trainable = p.role() == ParamSpec.Role.STATE ? trainable : add(trainable, length(p.shape()));
                    }
                    shape = layer.outputShape();
                    values = add(values, shape.count());
                    workspace = add(workspace, layer.workspaceValues());
                }
            } catch (IllegalArgumentException | ArithmeticException e) {
                if (e instanceof SpecException s) {
                    throw s;
                }
                throw new SpecException(path, e.getMessage());
            }
        }
        long elementBytes = spec.dataType().width();
        long perSample = add(multiply(2L, values), workspace);
        return new ModelFootprint(parameters, trainable, multiply(multiply(spec.batchSize(), perSample), elementBytes));
    }

    private static long length(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = multiply(n, d);
        }
        return n;
    }

    private static long add(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private static long multiply(long a, long b) {
        return a != 0 && b > Long.MAX_VALUE / a ? Long.MAX_VALUE : a * b;
    }
}
