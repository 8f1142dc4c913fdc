// Checks a decoded Sample against a model and writes its features and targets into a batch, in one pass.
package io.neurostream.app.training;

import io.neurostream.app.records.DeadLetterReason;
import io.neurostream.core.net.Targets;
import io.neurostream.schemas.Sample;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Pixels (uint8) become x / 255, the scale the offline trainer uses; values are taken as they
 * are; tokens become their index as a float (the embedding and one-hot layers read them so).
 * Every problem is a {@link Rejection} naming the sample, the model and the value seen.
 */
public final class SampleInput {
    private static final float PIXEL_SCALE = 1f / 255f;

    private SampleInput() {}

    /** Whether the sample carries what the model learns from (a label, a target, or its next tokens). */
    public static boolean isLabelled(Sample s, ModelShape m) {
        if (s.getLabel() != null || s.getTarget() != null) {
            return true;
        }
        return m.nextTokenModel() && s.getTokens() != null && s.getTokens().size() == m.inputSize() + 1;
    }

    /**
     * Validates the sample and writes row {@code row} of a batch: features into
     * {@code inputs[row * F ...]}; when labelled, targets into {@code targets[row * K * rows ...]}
     * and labels into {@code labels[row * rows ...]}. Returns null when the sample is usable.
     */
    public static Rejection read(Sample s, ModelShape m, float[] inputs, float[] targets, int[] labels, int row) {
        ByteBuffer pixels = s.getPixels();
        List<Float> values = s.getValues();
        List<Integer> tokens = s.getTokens();
        int kinds = (pixels != null ? 1 : 0) + (values != null ? 1 : 0) + (tokens != null ? 1 : 0);
        if (kinds == 0) {
            return reject(DeadLetterReason.NO_FEATURES, s, m, "has none of pixels, values or tokens");
        }
        if (kinds > 1) {
            return reject(DeadLetterReason.MULTIPLE_FEATURES, s, m, "has more than one of pixels, values and tokens");
        }
        int count = pixels != null ? pixels.remaining() : values != null ? values.size() : tokens.size();
        Rejection shape = checkShape(s, m, count);
        if (shape != null) {
            return shape;
        }
        if (m.readsTokens() != (tokens != null)) {
            return reject(DeadLetterReason.FEATURE_KIND_MISMATCH, s, m, m.readsTokens()
                    ? "has " + (pixels != null ? "pixels" : "values") + " but the model reads tokens"
                    : "has tokens but the model reads pixels or values");
        }
        int offset = row * m.inputSize();
        if (tokens != null) {
            return readTokens(s, m, tokens, inputs, targets, labels, row);
        }
        if (count != m.inputSize()) {
            return reject(DeadLetterReason.FEATURE_COUNT_MISMATCH, s, m, "expected " + m.inputSize() + " "
                    + (pixels != null ? "pixels" : "values") + ", got " + count);
        }
        if (pixels != null) {
            int start = pixels.position();
            for (int i = 0; i < count; i++) {
                inputs[offset + i] = (pixels.get(start + i) & 0xFF) * PIXEL_SCALE;
            }
        } else {
            for (int i = 0; i < count; i++) {
                float v = values.get(i);
                if (!Float.isFinite(v)) {
                    return reject(DeadLetterReason.NON_FINITE_VALUE, s, m, "value at index " + i + " is " + v);
                }
                inputs[offset + i] = v;
            }
        }
        return readLabel(s, m, targets, labels, row);
    }

    private static Rejection checkShape(Sample s, ModelShape m, int count) {
        List<Integer> shape = s.getShape();
        if (shape == null || shape.isEmpty()) {
            return null;
        }
        long product = 1;
        for (int d : shape) {
            if (d <= 0) {
                return reject(DeadLetterReason.SHAPE_MISMATCH, s, m, "shape " + shape + " has a dimension <= 0");
            }
            product *= d;
        }
        return product == count ? null
                : reject(DeadLetterReason.SHAPE_MISMATCH, s, m, "shape " + shape + " describes " + product + " values, the sample has " + count);
    }

    private static Rejection readTokens(Sample s, ModelShape m, List<Integer> tokens, float[] inputs, float[] targets, int[] labels, int row) {
        int t = m.inputSize();
        boolean nextTokens = m.nextTokenModel() && tokens.size() == t + 1;
        if (tokens.size() != t && !nextTokens) {
            return reject(DeadLetterReason.FEATURE_COUNT_MISMATCH, s, m, "expected " + t + " tokens"
                    + (m.nextTokenModel() ? " (or " + (t + 1) + " to learn from the next ones)" : "") + ", got " + tokens.size());
        }
        for (int i = 0; i < tokens.size(); i++) {
            int token = tokens.get(i);
            if (token < 0 || token >= m.vocabulary()) {
                return reject(DeadLetterReason.TOKEN_OUT_OF_RANGE, s, m, "token at index " + i + " is " + token + ", the vocabulary has " + m.vocabulary());
            }
            if (i < t) {
                inputs[row * t + i] = token;
            }
        }
        if (!m.nextTokenModel()) {
            return readLabel(s, m, targets, labels, row);
        }
        if (s.getLabel() != null || s.getTarget() != null) {
            return reject(DeadLetterReason.CONFLICTING_LABELS, s, m, "a next-token model learns from the tokens themselves; label and target must be absent");
        }
        if (nextTokens) {
            for (int i = 0; i < t; i++) {
                labels[row * t + i] = tokens.get(i + 1);
                Targets.fromLabel(tokens.get(i + 1), m.outputs(), targets, (row * t + i) * m.outputs());
            }
        }
        return null;
    }

    private static Rejection readLabel(Sample s, ModelShape m, float[] targets, int[] labels, int row) {
        Integer label = s.getLabel();
        List<Float> target = s.getTarget();
        if (label != null && target != null) {
            return reject(DeadLetterReason.CONFLICTING_LABELS, s, m, "has both a label and a target");
        }
        if (label != null) {
            if (label < 0 || label >= m.classes() || m.rows() != 1) {
                return reject(DeadLetterReason.LABEL_OUT_OF_RANGE, s, m, m.rows() != 1
                        ? "label " + label + " given, but the model outputs one row per time step; give a target"
                        : "label " + label + " is not a class of the model (0.." + (m.classes() - 1) + ")");
            }
            labels[row] = label;
            Targets.fromLabel(label, m.outputs(), targets, row * m.targetSize());
        } else if (target != null) {
            if (target.size() != m.targetSize()) {
                return reject(DeadLetterReason.TARGET_SIZE_MISMATCH, s, m, "expected " + m.targetSize() + " target values, got " + target.size());
            }
            for (int i = 0; i < target.size(); i++) {
                float v = target.get(i);
                if (!Float.isFinite(v)) {
                    return reject(DeadLetterReason.NON_FINITE_VALUE, s, m, "target at index " + i + " is " + v);
                }
                targets[row * m.targetSize() + i] = v;
            }
            for (int r = 0; r < m.rows(); r++) {
                labels[row * m.rows() + r] = expectedClass(target, r * m.outputs(), m.outputs());
            }
        }
        return null;
    }

    /** The class a target row stands for: 1 if a single output is >= 0.5, else the arg-max. */
    private static int expectedClass(List<Float> target, int from, int outputs) {
        if (outputs == 1) {
            return target.get(from) >= 0.5f ? 1 : 0;
        }
        int best = 0;
        for (int k = 1; k < outputs; k++) {
            if (target.get(from + k) > target.get(from + best)) {
                best = k;
            }
        }
        return best;
    }

    private static Rejection reject(DeadLetterReason reason, Sample s, ModelShape m, String problem) {
        return new Rejection(reason, "sample " + s.getId() + " for model " + m.model() + ": " + problem);
    }
}
