// Example records of every type, with every optional field both set and unset somewhere.
package io.neurostream.app.serde;

import io.neurostream.schemas.ClassProbability;
import io.neurostream.schemas.DeadLetter;
import io.neurostream.schemas.ModelSpecRecord;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.Sample;
import io.neurostream.schemas.TrainingMetrics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

final class RecordFixtures {
    static final Instant EVENT_TIME = Instant.ofEpochMilli(1_700_000_000_123L);

    private RecordFixtures() {
    }

    /** A 2x3 image sample, labelled. */
    static Sample pixelSample() {
        return Sample.newBuilder()
            .setId("px-1")
            .setEventTime(EVENT_TIME)
            .setPixels(ByteBuffer.wrap(new byte[] {0, 1, 127, (byte) 128, (byte) 200, (byte) 255}))
            .setShape(List.of(2, 3))
            .setLabel(7)
            .build();
    }

    /** A float sample with regression targets and no label. */
    static Sample valueSample() {
        return Sample.newBuilder()
            .setId("val-1")
            .setEventTime(EVENT_TIME)
            .setValues(List.of(0.5f, -1.25f, 3.0e-7f))
            .setTarget(List.of(1.0f, -2.0f))
            .build();
    }

    /** A token sequence to predict only (flat shape, no label, no target). */
    static Sample tokenSample() {
        return Sample.newBuilder()
            .setId("tok-1")
            .setEventTime(EVENT_TIME)
            .setTokens(List.of(3, 14, 15, 92))
            .build();
    }

    static Prediction prediction() {
        return Prediction.newBuilder()
            .setSampleId("px-1")
            .setModel("mnist-mlp")
            .setModelStep(42L)
            .setPredictedClass(7)
            .setTopK(List.of(new ClassProbability(7, 0.9f), new ClassProbability(1, 0.05f)))
            .setOutputs(List.of(0.01f, 0.05f, 0.9f))
            .setLabel(7)
            .setLoss(0.105)
            .setEventTime(EVENT_TIME)
            .build();
    }

    /** Metrics before the first sample: prequential values are NaN, no batch loss. */
    static TrainingMetrics trainingMetrics() {
        return TrainingMetrics.newBuilder()
            .setModel("mnist-mlp")
            .setStep(0L)
            .setSamplesTrained(0L)
            .setSamplesPredicted(0L)
            .setSamplesDeadLettered(3L)
            .setSkippedSteps(0L)
            .setBatchLoss(null)
            .setPrequentialLossFading(Double.NaN)
            .setPrequentialAccuracyFading(Double.NaN)
            .setPrequentialLossWindow(Double.NaN)
            .setPrequentialAccuracyWindow(Double.NaN)
            .setFadingFactor(0.999)
            .setWindowSize(1000)
            .setLearningRate(1e-3)
            .setTimestamp(EVENT_TIME)
            .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
            .setSourceTopic("samples")
            .setSourcePartition(2)
            .setSourceOffset(123_456L)
            .setReason("NOT_AVRO")
            .setMessage("value starts with 7B 22, not the Avro single-object marker C3 01")
            .setModel("mnist-mlp")
            .setKey(ByteBuffer.wrap("mnist-mlp".getBytes(StandardCharsets.UTF_8)))
            .setValue(ByteBuffer.wrap("{\"id\":1}".getBytes(StandardCharsets.UTF_8)))
            .setTimestamp(EVENT_TIME)
            .build();
    }

    static ModelSpecRecord modelSpec() {
        return ModelSpecRecord.newBuilder()
            .setName("mnist-mlp")
            .setSpecJson("{\"layers\":[{\"type\":\"dense\",\"units\":100}]}")
            .setCreatedAt(EVENT_TIME)
            .build();
    }
}
