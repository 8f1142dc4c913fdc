// ModelRuntime learns with no Kafka, store, records or meters: what it computes goes to an Output, and a replay to none gives the same model.
package io.neurostream.app.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.records.DeadLetterReason;
import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import io.neurostream.schemas.Sample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelRuntimeTest {
    private static final RuntimeSettings SETTINGS = new RuntimeSettings(2, 1, 0.999, 1000, 1000, 0, 0);

    /** Everything a runtime reports, in order. */
    private static final class Recording implements Output {
        final List<String> events = new ArrayList<>();
        final List<Progress> reported = new ArrayList<>();

        @Override
        public void prediction(SamplePrediction p) {
            events.add("prediction " + p.id() + " label " + p.label() + " step " + p.modelStep());
        }

        @Override
        public void batchTrained(int samples, boolean stepApplied, long nanos, Progress progress) {
            events.add("batch " + samples + (stepApplied ? " applied" : " skipped") + " step " + progress.step());
        }

        @Override
        public void metrics(Progress progress, long timestamp) {
            events.add("metrics at " + timestamp);
            reported.add(progress);
        }

        @Override
        public void drift(DriftDetection detection) {
            events.add("drift " + detection.statistic().detector() + " at " + detection.sampleId());
        }
    }

    private static ModelRuntime runtime() {
        return new ModelRuntime(Network.create(ModelSpec.parse(Presets.json("logic-and"))), new PrequentialStats(0.999, 1000), SETTINGS);
    }

    private static Sample row(String id, int a, int b, boolean labelled) {
        Sample.Builder s = Sample.newBuilder().setId(id).setEventTime(Instant.ofEpochMilli(0)).setValues(List.of((float) a, (float) b));
        return (labelled ? s.setLabel(a & b) : s).build();
    }

    @Test
    void shouldPredictThenTrainAFullBatchAndReportIt() {
        ModelRuntime runtime = runtime();
        Recording out = new Recording();
        int batch = runtime.network().spec().batchSize();
        for (int i = 0; i < batch; i++) {
            assertNull(runtime.add(row("s" + i, i & 1, (i >> 1) & 1, true), 100 + i, 0));
            assertEquals(i == batch - 1, runtime.batchFull());
        }
        assertEquals(List.of(), out.events, "adding reports nothing");
        runtime.trainBatch(out);

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            expected.add("prediction s" + i + " label " + ((i & 1) & ((i >> 1) & 1)) + " step 0");
        }
        expected.add("batch " + batch + " applied step 1");
        expected.add("metrics at " + (100 + batch - 1));
        assertEquals(expected, out.events, "the batch's predictions (by the model before the step), the step, the metrics record due");
        assertEquals(batch, out.reported.get(0).samplesTrained());
        assertFalse(runtime.batchFull());
    }

    @Test
    void shouldPredictAnUnlabelledSampleAtOnceAndRejectAnUnusableOne() {
        ModelRuntime runtime = runtime();
        Recording out = new Recording();
        assertNull(runtime.predictOnly(row("u", 1, 1, false), 5, out));
        assertEquals(List.of("prediction u label null step 0"), out.events);

        Sample wrongSize = Sample.newBuilder().setId("w").setEventTime(Instant.ofEpochMilli(0)).setValues(List.of(1f, 2f, 3f)).setLabel(1).build();
        Rejection rejection = runtime.add(wrongSize, 6, 0);
        assertEquals(DeadLetterReason.FEATURE_COUNT_MISMATCH, rejection.reason());
        assertFalse(runtime.hasUnemitted(), "a rejected sample takes no row");
    }

    @Test
    void shouldGiveTheSameModelWhenTheSameCallsReportToNoOutput() {
        ModelRuntime live = runtime();
        ModelRuntime replayed = runtime();
        Recording out = new Recording();
        for (int i = 0; i < 11; i++) {
            Sample s = row("s" + i, i & 1, (i >> 1) & 1, true);
            live.add(s, i, 0);
            replayed.add(s, i, 0);
            if (i == 5) {
                live.flush(out);
                replayed.flush(Output.NONE);
            }
            if (live.batchFull()) {
                live.trainBatch(out);
                replayed.trainBatch(Output.NONE);
            }
        }
        live.trainBatch(out); // a close: the partial batch trains as a smaller one
        replayed.trainBatch(Output.NONE);
        assertTrue(out.events.size() > 11, "the live runtime reported: " + out.events);
        assertArrayEquals(SnapshotCodec.encode(live.network()), SnapshotCodec.encode(replayed.network()));
        assertArrayEquals(live.stats().encode(), replayed.stats().encode());
    }
}
