// Where a model runtime reports what it computes: the edge turns it into records and meters; a replay reports nothing.
package io.neurostream.app.training;

public interface Output {
    /** Discards everything: used while replaying the journal, whose outputs were already committed and counted. */
    Output NONE = new Output() {
        @Override
        public void prediction(SamplePrediction prediction) {}

        @Override
        public void batchTrained(int samples, boolean stepApplied, long nanos, Progress progress) {}

        @Override
        public void metrics(Progress progress, long timestamp) {}

        @Override
        public void drift(DriftDetection detection) {}
    };

    /** One sample's prediction (of a batch's samples, or of an unlabelled sample). */
    void prediction(SamplePrediction prediction);

    /** A batch went through its optimizer step (skipped when its loss or a gradient was not finite); progress is after it. */
    void batchTrained(int samples, boolean stepApplied, long nanos, Progress progress);

    /** The figures are due in a metrics record stamped with this time. */
    void metrics(Progress progress, long timestamp);

    /** A drift detection (a replay detects it again, and reports it nowhere). */
    void drift(DriftDetection detection);
}
