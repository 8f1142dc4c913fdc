// Where a model runtime sends what it produces; a replay sends nothing.
package io.neurostream.app.training;

import io.neurostream.schemas.DriftEvent;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.TrainingMetrics;

public interface Output {
    /** Discards everything: used while replaying the journal, whose outputs were already committed. */
    Output NONE = new Output() {
        @Override
        public void prediction(Prediction prediction, long timestamp) {}

        @Override
        public void metrics(TrainingMetrics metrics, long timestamp) {}

        @Override
        public void drift(DriftEvent event, long timestamp) {}
    };

    void prediction(Prediction prediction, long timestamp);

    void metrics(TrainingMetrics metrics, long timestamp);

    /** A drift detection (a replay detects it again, and sends it nowhere). */
    void drift(DriftEvent event, long timestamp);
}
