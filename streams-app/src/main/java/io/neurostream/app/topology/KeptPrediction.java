// Delayed labels: passes an unlabelled sample's prediction on, and keeps its model step and outputs to be scored when the label comes.
package io.neurostream.app.topology;

import io.neurostream.app.training.DriftDetection;
import io.neurostream.app.training.Output;
import io.neurostream.app.training.Progress;
import io.neurostream.app.training.SamplePrediction;

final class KeptPrediction implements Output {
    private final Output out;
    long modelStep;
    float[] outputs; // [rows, K] as the model computed them

    KeptPrediction(Output out) {
        this.out = out;
    }

    @Override
    public void prediction(SamplePrediction p) {
        int n = p.shape().targetSize();
        outputs = new float[n];
        p.rows().get(p.sample() * n, outputs, 0, n);
        modelStep = p.modelStep();
        out.prediction(p);
    }

    @Override
    public void batchTrained(int samples, boolean stepApplied, long nanos, Progress progress) {
        out.batchTrained(samples, stepApplied, nanos, progress);
    }

    @Override
    public void metrics(Progress progress, long timestamp) {
        out.metrics(progress, timestamp);
    }

    @Override
    public void drift(DriftDetection detection) {
        out.drift(detection);
    }
}
