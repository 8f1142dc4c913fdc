// One parameter tensor a layer declares: its name, shape, role and how it is initialised.
package io.neurostream.core.params;

import java.util.Arrays;

/**
 * @param name   name within the layer, e.g. "W" or "b"; the network prefixes it with the layer index
 * @param shape  the tensor's shape, e.g. [in, out] for a dense weight matrix
 * @param role   weights are decayed, biases are not, state is not trained at all
 * @param init   initialisation scheme
 * @param fanIn  inputs feeding one unit (for Xavier and He)
 * @param fanOut units fed by one input (for Xavier)
 */
public record ParamSpec(String name, long[] shape, Role role, Init init, int fanIn, int fanOut) {

    /** What the optimizer does with a parameter. */
    public enum Role {
        /** Trained, and subject to weight decay. */
        WEIGHT,
        /** Trained, not decayed. */
        BIAS,
        /** Not trained by the optimizer (e.g. BatchNorm running averages); saved with the model. */
        STATE
    }

    public ParamSpec {
        shape = shape.clone();
        for (long d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("parameter " + name + ": shape must be positive, got " + Arrays.toString(shape));
            }
        }
    }

    public static ParamSpec weight(String name, Init init, int fanIn, int fanOut, long... shape) {
        return new ParamSpec(name, shape, Role.WEIGHT, init, fanIn, fanOut);
    }

    public static ParamSpec bias(String name, long... shape) {
        return new ParamSpec(name, shape, Role.BIAS, Init.ZEROS, 1, 1);
    }

    public static ParamSpec state(String name, Init init, long... shape) {
        return new ParamSpec(name, shape, Role.STATE, init, 1, 1);
    }

    public long length() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** The same parameter under "prefix.name". */
    public ParamSpec prefixed(String prefix) {
        return new ParamSpec(prefix + "." + name, shape, role, init, fanIn, fanOut);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamSpec p && name.equals(p.name) && Arrays.equals(shape, p.shape)
                && role == p.role && init == p.init && fanIn == p.fanIn && fanOut == p.fanOut;
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + " " + role;
    }
}
