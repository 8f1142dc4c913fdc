// Builders of Sample records and their bytes for tests.
package io.neurostream.app.topology;

import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.schemas.Sample;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

final class Samples {
    private Samples() {}

    static Sample.Builder values(String id, float... values) {
        List<Float> list = new ArrayList<>();
        for (float v : values) {
            list.add(v);
        }
        return Sample.newBuilder().setId(id).setEventTime(Instant.ofEpochMilli(1_700_000_000_000L)).setValues(list);
    }

    static Sample.Builder pixels(String id, byte[] pixels) {
        return Sample.newBuilder().setId(id).setEventTime(Instant.ofEpochMilli(1_700_000_000_000L)).setPixels(ByteBuffer.wrap(pixels));
    }

    static byte[] bytes(Sample.Builder sample) {
        return NeurostreamSerdes.sample().encode(sample.build());
    }

    /** An AND truth-table row as a labelled sample for the logic-and preset. */
    static byte[] andRow(String id, int a, int b) {
        return bytes(values(id, a, b).setLabel(a & b));
    }
}
