// Element-wise (and row-wise softmax) activation functions with their derivatives: each as ND4J ops and as a loop over a float row.
package io.neurostream.core.activations;

import java.util.Arrays;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.LeakyReLU;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.LeakyReLUBp;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.SigmoidDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.SoftmaxBp;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.TanhDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The course's activations: f applied to z. Each constant implements f and its backward twice,
 * side by side: as ND4J ops on arrays of any shape, and as a loop over one float32 row (one
 * sample's values; softmax normalises over the row) for the heap path of small dense networks.
 * Every method is abstract, so a new constant without both variants does not compile;
 * {@code ActivationVariantsTest} checks that the two agree for every constant. Each backward
 * takes the forward's input z (and the row variant its output y) and dL/df, and writes
 * dL/dz = f'(z) * dL/df (softmax: the Jacobian-vector product along the last axis). Maxout is not
 * element-wise and lives in {@link io.neurostream.core.layers.Maxout}.
 *
 * <p>The row loops read and write their arrays at one index from 0, so the JIT vectorises those
 * without calls or comparisons (ReLU's, with Math.max and Math.min; a comparison compiles to a
 * branch, which random signs mispredict half the time).
 */
public enum Activation {
    IDENTITY(true) {
        @Override
        public void forward(INDArray z, INDArray out, double alpha) {
            out.assign(z);
        }

        @Override
        public void backward(INDArray z, INDArray dOut, INDArray dZ, double alpha) {
            dZ.assign(dOut);
        }

        @Override
        public void forward(float[] z, float[] y, float alpha) {
            System.arraycopy(z, 0, y, 0, z.length);
        }

        @Override
        public void backward(float[] z, float[] y, float[] dy, float[] dz, float alpha) {
            System.arraycopy(dy, 0, dz, 0, dy.length);
        }
    },
    /** 1 / (1 + e^-z). */
    SIGMOID(true) {
        @Override
        public void forward(INDArray z, INDArray out, double alpha) {
            Nd4j.exec(new Sigmoid(z, out));
        }

        @Override
        public void backward(INDArray z, INDArray dOut, INDArray dZ, double alpha) {
            Nd4j.exec(new SigmoidDerivative(z, dOut, dZ));
        }

        @Override
        public void forward(float[] z, float[] y, float alpha) {
            for (int j = 0; j < z.length; j++) {
                y[j] = (float) (1.0 / (1.0 + Math.exp(-z[j])));
            }
        }

        @Override
        public void backward(float[] z, float[] y, float[] dy, float[] dz, float alpha) {
            for (int j = 0; j < z.length; j++) {
                dz[j] = y[j] * (1f - y[j]) * dy[j];
            }
        }
    },
    /** (e^z - e^-z) / (e^z + e^-z). */
    TANH(true) {
        @Override
        public void forward(INDArray z, INDArray out, double alpha) {
            Nd4j.exec(new Tanh(z, out));
        }

        @Override
        public void backward(INDArray z, INDArray dOut, INDArray dZ, double alpha) {
            Nd4j.exec(new TanhDerivative(z, dOut, dZ));
        }

        @Override
        public void forward(float[] z, float[] y, float alpha) {
            for (int j = 0; j < z.length; j++) {
                y[j] = (float) Math.tanh(z[j]);
            }
        }

        @Override
        public void backward(float[] z, float[] y, float[] dy, float[] dz, float alpha) {
            for (int j = 0; j < z.length; j++) {
                dz[j] = (1f - y[j] * y[j]) * dy[j];
            }
        }
    },
    /** max(0, z). */
    RELU(true) {
        @Override
        public void forward(INDArray z, INDArray out, double alpha) {
            Nd4j.exec(new RectifiedLinear(z, out, 0.0));
        }

        @Override
        public void backward(INDArray z, INDArray dOut, INDArray dZ, double alpha) {
            Nd4j.exec(new RectifiedLinearDerivative(z, dOut, dZ));
        }

        /** Math.max, not a comparison: the JIT vectorises it, and a branch on random signs is mispredicted half the time. */
        @Override
        public void forward(float[] z, float[] y, float alpha) {
            for (int j = 0; j < z.length; j++) {
                y[j] = Math.max(z[j], 0f);
            }
        }

        /**
         * dy where y > 0, else +0, without a branch: y * 2^254 is at least 1 for every y > 0 (the
         * smallest is 2^-149), so the factor is exactly 1 or 0; adding +0 turns dy * 0 = -0 into +0.
         */
        @Override
        public void backward(float[] z, float[] y, float[] dy, float[] dz, float alpha) {
            for (int j = 0; j < y.length; j++) {
                dz[j] = dy[j] * Math.min(y[j] * 0x1p127f * 0x1p127f, 1f) + 0f;
            }
        }
    },
    /** z for z > 0, alpha * z otherwise. */
    LEAKY_RELU(true) {
        @Override
        public void forward(INDArray z, INDArray out, double alpha) {
            Nd4j.exec(new LeakyReLU(z, out, alpha));
        }

        @Override
        public void backward(INDArray z, INDArray dOut, INDArray dZ, double alpha) {
            Nd4j.exec(new LeakyReLUBp(z, dOut, dZ, alpha));
        }

        @Override
        public void forward(float[] z, float[] y, float alpha) {
            for (int j = 0; j < z.length; j++) {
                y[j] = z[j] > 0f ? z[j] : alpha * z[j];
            }
        }

        @Override
        public void backward(float[] z, float[] y, float[] dy, float[] dz, float alpha) {
            for (int j = 0; j < z.length; j++) {
                dz[j] = z[j] > 0f ? dy[j] : alpha * dy[j];
            }
        }
    },
    /** e^z_i / sum_j e^z_j along the last axis. */
    SOFTMAX(false) {
        @Override
        public void forward(INDArray z, INDArray out, double alpha) {
            Nd4j.exec(new SoftMax(z, out, z.rank() - 1));
        }

        @Override
        public void backward(INDArray z, INDArray dOut, INDArray dZ, double alpha) {
            Nd4j.exec(new SoftmaxBp(z, dOut, dZ, z.rank() - 1));
        }

        /** e^(z_j - max z) / Σ e^(z_k - max z): the max keeps every exponent at most 0. */
        @Override
        public void forward(float[] z, float[] y, float alpha) {
            float max = Float.NEGATIVE_INFINITY;
            for (float v : z) {
                max = Math.max(max, v);
            }
            float sum = 0;
            for (int j = 0; j < z.length; j++) {
                y[j] = (float) Math.exp(z[j] - max);
                sum += y[j];
            }
            for (int j = 0; j < z.length; j++) {
                y[j] = y[j] / sum;
            }
        }

        /** dz_j = y_j (dy_j − Σ_k y_k dy_k). */
        @Override
        public void backward(float[] z, float[] y, float[] dy, float[] dz, float alpha) {
            float dot = 0;
            for (int k = 0; k < y.length; k++) {
                dot += y[k] * dy[k];
            }
            for (int j = 0; j < y.length; j++) {
                dz[j] = y[j] * (dy[j] - dot);
            }
        }
    };

    /** Default slope of leaky ReLU for z < 0. */
    public static final double DEFAULT_LEAKY_ALPHA = 0.01;

    private final boolean elementWise;

    Activation(boolean elementWise) {
        this.elementWise = elementWise;
    }

    /**
     * Whether f acts on each value alone: then the row variants may take all values of a batch as
     * one row. Otherwise (softmax) a row is one vector along the last axis.
     */
    public boolean elementWise() {
        return elementWise;
    }

    /** out = f(z); out may be z itself only for element-wise functions. */
    public abstract void forward(INDArray z, INDArray out, double alpha);

    /** dZ = f'(z) * dOut, with z the input of the forward pass. */
    public abstract void backward(INDArray z, INDArray dOut, INDArray dZ, double alpha);

    /** y = f(z) over one float32 row (y as long as z, not z itself). */
    public abstract void forward(float[] z, float[] y, float alpha);

    /** dz = f'(z) * dy over one row, from the forward's input z and output y. */
    public abstract void backward(float[] z, float[] y, float[] dy, float[] dz, float alpha);

    /** Whether ReLU-family initialisation (He) suits units with this activation. */
    public boolean prefersHeInit() {
        return this == RELU || this == LEAKY_RELU;
    }

    /** The spec name: lower case with underscores, e.g. "leaky_relu". */
    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a spec name; null when unknown. */
    public static Activation fromSpecName(String name) {
        return Arrays.stream(values()).filter(a -> a.specName().equals(name)).findFirst().orElse(null);
    }
}
