// The shape of one sample (no batch dimension), e.g. [784], [1, 28, 28] or [T, F].
package io.neurostream.core.tensor;

import java.util.Arrays;

/** An immutable per-sample shape. The batch dimension B is never part of it. */
public final class Shape {
    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    public static Shape of(int... dims) {
        for (int d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException("shape dimensions must be positive, got " + Arrays.toString(dims));
            }
        }
        return new Shape(dims.clone());
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int i) {
        return dims[i];
    }

    public int[] dims() {
        return dims.clone();
    }

    /**
     * Number of values in one sample: the product of the dimensions.
     *
     * @throws IllegalArgumentException when it does not fit an int (see {@link #count()})
     */
    public int size() {
        long n = count();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + this + " has " + n + " values, more than " + Integer.MAX_VALUE);
        }
        return (int) n;
    }

    /** Number of values in one sample in 64-bit arithmetic; a product beyond Long.MAX_VALUE is capped at it. */
    public long count() {
        long n = 1;
        for (int d : dims) {
            if (n > Long.MAX_VALUE / d) {
                return Long.MAX_VALUE;
            }
            n *= d;
        }
        return n;
    }

    /** The shape of a batch of B samples: [B, dims...]. */
    public long[] withBatch(long batch) {
        long[] out = new long[dims.length + 1];
        out[0] = batch;
        for (int i = 0; i < dims.length; i++) {
            out[i + 1] = dims[i];
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape other && Arrays.equals(dims, other.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
