// One shared serde per record type of neurostream's topics, in the manner of Kafka's Serdes.
package io.neurostream.app.serde;

import io.neurostream.schemas.DeadLetter;
import io.neurostream.schemas.DriftEvent;
import io.neurostream.schemas.Label;
import io.neurostream.schemas.ModelSpecRecord;
import io.neurostream.schemas.ModelVersionRecord;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.Sample;
import io.neurostream.schemas.TrainingMetrics;

public final class NeurostreamSerdes {
    private static final AvroSerde<Sample> SAMPLE = AvroSerde.of(Sample.class);
    private static final AvroSerde<Label> LABEL = AvroSerde.of(Label.class);
    private static final AvroSerde<Prediction> PREDICTION = AvroSerde.of(Prediction.class);
    private static final AvroSerde<TrainingMetrics> TRAINING_METRICS = AvroSerde.of(TrainingMetrics.class);
    private static final AvroSerde<DeadLetter> DEAD_LETTER = AvroSerde.of(DeadLetter.class);
    private static final AvroSerde<ModelSpecRecord> MODEL_SPEC = AvroSerde.of(ModelSpecRecord.class);
    private static final AvroSerde<ModelVersionRecord> MODEL_VERSION = AvroSerde.of(ModelVersionRecord.class);
    private static final AvroSerde<DriftEvent> DRIFT_EVENT = AvroSerde.of(DriftEvent.class);

    private NeurostreamSerdes() {
    }

    /** Values of the samples topic. */
    public static AvroSerde<Sample> sample() {
        return SAMPLE;
    }

    /** Values of the labels topic. */
    public static AvroSerde<Label> label() {
        return LABEL;
    }

    /** Values of the predictions topic. */
    public static AvroSerde<Prediction> prediction() {
        return PREDICTION;
    }

    /** Values of the metrics topic. */
    public static AvroSerde<TrainingMetrics> trainingMetrics() {
        return TRAINING_METRICS;
    }

    /** Values of the dead-letters topic. */
    public static AvroSerde<DeadLetter> deadLetter() {
        return DEAD_LETTER;
    }

    /** Values of the compacted models topic. */
    public static AvroSerde<ModelSpecRecord> modelSpec() {
        return MODEL_SPEC;
    }

    /** Values of the compacted model-versions topic. */
    public static AvroSerde<ModelVersionRecord> modelVersion() {
        return MODEL_VERSION;
    }

    /** Values of the drift topic. */
    public static AvroSerde<DriftEvent> driftEvent() {
        return DRIFT_EVENT;
    }
}
