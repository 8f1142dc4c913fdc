// Delayed prequential evaluation (Gama et al. 2013, §5 on delayed labels): a label that comes later scores the prediction made when its sample arrived.
package io.neurostream.app.training;

import io.neurostream.app.records.DeadLetterReason;
import io.neurostream.core.losses.Loss;
import io.neurostream.core.net.Targets;
import io.neurostream.schemas.Label;
import io.neurostream.schemas.Sample;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The kept sample takes the label's {@code label} or {@code target} and is checked as a labelled sample would be (a bad label
 * is a {@link Rejection}); the kept outputs [rows, K] are scored with the model's loss per row, unfused (the outputs are
 * already probabilities), averaged over rows as a batch's per-sample loss is, and the hit is the last row's predicted class
 * against its label, as in {@link ModelRuntime}.
 */
public final class DelayedLabels {
    private DelayedLabels() {}

    /** The score of a kept prediction, or why the label cannot be used. */
    public sealed interface Result permits Scored, Rejected {}

    /**
     * @param label the class the sample's (last) target row stands for, as a prediction record reports it
     * @param loss  the kept prediction's loss against the label
     * @param correct whether the kept prediction's class was the label's
     */
    public record Scored(Sample labelled, int label, double loss, boolean correct) implements Result {}

    public record Rejected(Rejection rejection) implements Result {}

    /** The kept sample as it trains: its features with the label's label or target. */
    public static Sample labelled(Sample kept, Label label) {
        return Sample.newBuilder(kept).setLabel(label.getLabel()).setTarget(label.getTarget()).build();
    }

    /**
     * Scores the prediction kept with the sample ({@code outputs}: [rows, K] as the model computed them) against the label.
     */
    public static Result score(ModelShape shape, Loss loss, float[] outputs, Sample kept, Label label) {
        if (label.getLabel() == null && label.getTarget() == null) {
            return new Rejected(new Rejection(DeadLetterReason.LABEL_MISSING, "label for sample " + kept.getId() + " of model " + shape.model()
                    + ": has neither label nor target"));
        }
        if (outputs.length != shape.targetSize()) {
            return new Rejected(new Rejection(DeadLetterReason.LABEL_EXPIRED, "label for sample " + kept.getId() + ": its kept prediction has "
                    + outputs.length + " outputs, model " + shape.model() + " now has " + shape.targetSize()));
        }
        Sample labelled = labelled(kept, label);
        float[] inputs = new float[shape.inputSize()];
        float[] targets = new float[shape.targetSize()];
        int[] labels = new int[shape.rows()];
        Rejection invalid = SampleInput.read(labelled, shape, inputs, targets, labels, 0);
        if (invalid != null) {
            return new Rejected(invalid);
        }
        int width = shape.outputs();
        double sum = 0;
        for (int r = 0; r < shape.rows(); r++) {
            float[] out = Arrays.copyOfRange(outputs, r * width, (r + 1) * width);
            float[] target = Arrays.copyOfRange(targets, r * width, (r + 1) * width);
            sum += loss.forward(null, out, target);
        }
        int lastRow = shape.rows() - 1;
        boolean correct = Targets.predictedClass(FloatBuffer.wrap(outputs), lastRow * width, width) == labels[lastRow];
        return new Scored(labelled, labels[lastRow], sum / shape.rows(), correct);
    }
}
