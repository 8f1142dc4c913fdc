// The loss functions on [N, K] network outputs, with their gradients: each as ND4J ops and as a loop over a float row.
package io.neurostream.core.losses;

import io.neurostream.core.activations.Activation;
import io.neurostream.core.tensor.Buffers;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMax;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMin;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LogSoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.same.Abs;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The network's objective is the mean over N rows (samples, or time steps of sequences) of a
 * per-row loss. Some losses fuse with the final activation (softmax + cross-entropy, sigmoid +
 * binary cross-entropy): they then compute the loss stably from the activation's input z (the
 * logits) and give dL/dz directly, which is both cheaper and free of log(0); a null z means
 * not fused.
 *
 * <p>Each constant implements its loss twice, side by side: as ND4J ops on [N, K] arrays (scratch
 * from the caller's {@link Buffers}), and as a loop over one float32 row for the heap path of
 * small dense networks and, through {@link RowLoss}, every float32 network. Every method is abstract, so a new constant without both variants does
 * not compile; {@code LossVariantsTest} checks that the two agree for every constant, fused and not.
 */
public enum Loss {
    /** The course's E = ½ Σ_k (d_k − o_k)² per row; dL/do = (o − d) / N. */
    HALF_SQUARED_ERROR(null) {
        @Override
        public double forward(INDArray z, INDArray out, INDArray target, INDArray perRow, Buffers buffers) {
            return squaredError(out, target, perRow, 0.5, buffers);
        }

        @Override
        public void backward(INDArray z, INDArray out, INDArray target, INDArray grad, Buffers buffers) {
            grad.assign(out).subi(target).muli(1.0 / out.size(0));
        }

        @Override
        public float forward(float[] z, float[] out, float[] target) {
            return 0.5f * sumOfSquares(out, target);
        }

        @Override
        public void backward(float[] z, float[] out, float[] target, int rows, float[] grad) {
            scaledDifference(out, target, 1f / rows, grad);
        }
    },
    /** (1/K) Σ_k (d_k − o_k)² per row; dL/do = 2 (o − d) / (K N). */
    MEAN_SQUARED_ERROR(null) {
        @Override
        public double forward(INDArray z, INDArray out, INDArray target, INDArray perRow, Buffers buffers) {
            return squaredError(out, target, perRow, 1.0 / out.size(1), buffers);
        }

        @Override
        public void backward(INDArray z, INDArray out, INDArray target, INDArray grad, Buffers buffers) {
            grad.assign(out).subi(target).muli(2.0 / out.size(1) / out.size(0));
        }

        @Override
        public float forward(float[] z, float[] out, float[] target) {
            return sumOfSquares(out, target) * (1f / out.length);
        }

        @Override
        public void backward(float[] z, float[] out, float[] target, int rows, float[] grad) {
            scaledDifference(out, target, 2f / out.length / rows, grad);
        }
    },
    /**
     * −Σ_k d_k log p_k per row. After a softmax log p comes from log-softmax(z), which never takes
     * log(0), and dL/dz = (p − d) / N; without one (outputs already probabilities) p is clamped at
     * {@link #MIN_PROBABILITY} and dL/dp = −d / (p N).
     */
    CROSS_ENTROPY(Activation.SOFTMAX) {
        @Override
        public double forward(INDArray z, INDArray out, INDArray target, INDArray perRow, Buffers buffers) {
            INDArray logP = buffers.get("loss.logP", out.shape()); // [N, K]
            if (z != null) {
                Nd4j.exec(new LogSoftMax(z, logP));
            } else {
                Nd4j.exec(new ScalarMax(out, null, logP, MIN_PROBABILITY));
                Transforms.log(logP, false);
            }
            logP.muli(target);
            logP.sum(perRow, 1);
            perRow.negi();
            return perRow.meanNumber().doubleValue();
        }

        @Override
        public void backward(INDArray z, INDArray out, INDArray target, INDArray grad, Buffers buffers) {
            double scale = 1.0 / out.size(0);
            if (z != null) {
                grad.assign(out).subi(target).muli(scale);
            } else {
                INDArray p = buffers.get("loss.p", out.shape());
                Nd4j.exec(new ScalarMax(out, null, p, MIN_PROBABILITY));
                grad.assign(target).divi(p).muli(-scale);
            }
        }

        /** Fused: log p_k = z_k − max z − log Σ e^(z_j − max z), summed as the softmax sums. */
        @Override
        public float forward(float[] z, float[] out, float[] target) {
            float l = 0;
            if (z != null) {
                float max = Float.NEGATIVE_INFINITY;
                for (float v : z) {
                    max = Math.max(max, v);
                }
                float sum = 0;
                for (float v : z) {
                    sum += (float) Math.exp(v - max);
                }
                float logSum = (float) Math.log(sum);
                for (int k = 0; k < z.length; k++) {
                    l -= target[k] * (z[k] - max - logSum);
                }
            } else {
                for (int k = 0; k < out.length; k++) {
                    l -= target[k] * (float) Math.log(Math.max(out[k], (float) MIN_PROBABILITY));
                }
            }
            return l;
        }

        @Override
        public void backward(float[] z, float[] out, float[] target, int rows, float[] grad) {
            float scale = 1f / rows;
            if (z != null) {
                scaledDifference(out, target, scale, grad);
            } else {
                for (int k = 0; k < out.length; k++) {
                    grad[k] = target[k] / Math.max(out[k], (float) MIN_PROBABILITY) * -scale;
                }
            }
        }
    },
    /**
     * −Σ_k [d_k log p_k + (1 − d_k) log(1 − p_k)] per row. After a sigmoid it is the stable
     * max(z, 0) − z d + log(1 + e^−|z|) and dL/dz = (p − d) / N; otherwise p is clamped into
     * [eps, 1 − eps] and dL/dp = (p − d) / (p (1 − p) N).
     */
    BINARY_CROSS_ENTROPY(Activation.SIGMOID) {
        @Override
        public double forward(INDArray z, INDArray out, INDArray target, INDArray perRow, Buffers buffers) {
            INDArray terms = buffers.get("loss.terms", out.shape()); // [N, K]
            if (z != null) {
                INDArray softplus = buffers.get("loss.softplus", out.shape());
                Nd4j.exec(new Abs(z, softplus));
                softplus.negi();
                Transforms.exp(softplus, false);
                Transforms.log1p(softplus, false);             // log(1 + e^-|z|)
                Nd4j.exec(new ScalarMax(z, null, terms, 0.0)); // max(z, 0)
                terms.addi(softplus);
                INDArray zd = buffers.get("loss.zd", out.shape());
                zd.assign(z).muli(target);
                terms.subi(zd);
            } else {
                INDArray p = clamped(out, buffers);
                INDArray q = buffers.get("loss.q", out.shape());
                q.assign(p).rsubi(1.0);                        // 1 - p
                Transforms.log(p, false);
                Transforms.log(q, false);
                INDArray oneMinusD = buffers.get("loss.oneMinusD", out.shape());
                oneMinusD.assign(target).rsubi(1.0);
                terms.assign(p).muli(target);
                q.muli(oneMinusD);
                terms.addi(q).negi();
            }
            terms.sum(perRow, 1);
            return perRow.meanNumber().doubleValue();
        }

        @Override
        public void backward(INDArray z, INDArray out, INDArray target, INDArray grad, Buffers buffers) {
            grad.assign(out).subi(target).muli(1.0 / out.size(0));
            if (z == null) {
                INDArray p = clamped(out, buffers);
                INDArray variance = buffers.get("loss.variance", out.shape());
                variance.assign(p).rsubi(1.0).muli(p);          // p (1 - p)
                grad.divi(variance);
            }
        }

        @Override
        public float forward(float[] z, float[] out, float[] target) {
            float l = 0;
            if (z != null) {
                for (int k = 0; k < z.length; k++) {
                    l += Math.max(z[k], 0f) - z[k] * target[k] + (float) Math.log1p(Math.exp(-Math.abs(z[k])));
                }
            } else {
                for (int k = 0; k < out.length; k++) {
                    float p = clamp(out[k]);
                    l -= target[k] * (float) Math.log(p) + (1f - target[k]) * (float) Math.log(1f - p);
                }
            }
            return l;
        }

        @Override
        public void backward(float[] z, float[] out, float[] target, int rows, float[] grad) {
            scaledDifference(out, target, 1f / rows, grad);
            if (z == null) {
                for (int k = 0; k < out.length; k++) {
                    float p = clamp(out[k]);
                    grad[k] = grad[k] / (p * (1f - p));
                }
            }
        }
    };

    /** Smallest probability a loss takes the logarithm of (outputs not fused with their activation). */
    static final double MIN_PROBABILITY = 1e-12;

    private final Activation fusedActivation;

    Loss(Activation fusedActivation) {
        this.fusedActivation = fusedActivation;
    }

    /**
     * Per-row losses into {@code perRow} [N] and their mean.
     *
     * @param z      input of the final activation [N, K] (the logits) when fused, else null
     * @param out    network output [N, K]
     * @param target expected output [N, K] (one-hot for classes)
     */
    public abstract double forward(INDArray z, INDArray out, INDArray target, INDArray perRow, Buffers buffers);

    /** Gradient of the mean loss over N rows: dL/dz when fused, else dL/dOut, written into {@code grad} [N, K]. */
    public abstract void backward(INDArray z, INDArray out, INDArray target, INDArray grad, Buffers buffers);

    /** The loss of one row: its logits z (fused; else null), output and target, each [K]. */
    public abstract float forward(float[] z, float[] out, float[] target);

    /** One row's share of the gradient of the mean loss over {@code rows} rows, into {@code grad} [K]: dL/dz when fused, else dL/dOut. */
    public abstract void backward(float[] z, float[] out, float[] target, int rows, float[] grad);

    /** Whether this loss takes over the derivative of the given final activation. */
    public boolean fusesWith(Activation finalActivation) {
        return fusedActivation != null && fusedActivation == finalActivation;
    }

    /** The spec name: lower case with underscores, e.g. "cross_entropy". */
    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> specNames() {
        return Arrays.stream(values()).map(Loss::specName).toList();
    }

    /** Parses a spec name; null when unknown. */
    public static Loss fromSpecName(String name) {
        return Arrays.stream(values()).filter(l -> l.specName().equals(name)).findFirst().orElse(null);
    }

    private static double squaredError(INDArray out, INDArray target, INDArray perRow, double factor, Buffers buffers) {
        INDArray diff = buffers.get("loss.diff", out.shape()); // [N, K]
        diff.assign(out).subi(target);
        diff.muli(diff);
        diff.sum(perRow, 1);
        perRow.muli(factor);
        return perRow.meanNumber().doubleValue();
    }

    private static float sumOfSquares(float[] out, float[] target) {
        float sum = 0;
        for (int k = 0; k < out.length; k++) {
            float diff = out[k] - target[k];
            sum += diff * diff;
        }
        return sum;
    }

    /** grad = (out − target) · scale. */
    private static void scaledDifference(float[] out, float[] target, float scale, float[] grad) {
        for (int k = 0; k < out.length; k++) {
            grad[k] = (out[k] - target[k]) * scale;
        }
    }

    private static INDArray clamped(INDArray out, Buffers buffers) {
        INDArray p = buffers.get("loss.p", out.shape());
        Nd4j.exec(new ScalarMax(out, null, p, MIN_PROBABILITY));
        Nd4j.exec(new ScalarMin(p, null, p, 1.0 - MIN_PROBABILITY));
        return p;
    }

    /** p clamped into [eps, 1 − eps] as the ND4J variant clamps it (in float32, 1 − eps rounds to 1). */
    private static float clamp(float p) {
        return Math.min(Math.max(p, (float) MIN_PROBABILITY), (float) (1.0 - MIN_PROBABILITY));
    }
}
