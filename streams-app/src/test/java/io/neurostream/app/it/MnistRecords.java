// Sample records built from the bundled MNIST training set (uint8 pixels, with labels).
package io.neurostream.app.it;

import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.core.data.DataLocator;
import io.neurostream.core.data.ImageDataset;
import io.neurostream.core.data.Mnist;
import io.neurostream.schemas.Sample;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

final class MnistRecords {
    private MnistRecords() {}

    /** The first n training images as Avro-encoded samples with ids "mnist-0", "mnist-1", ... */
    static List<byte[]> labelled(int n) {
        return labelled(0, n, 0);
    }

    /** Training images from..from+n-1 (ids "mnist-from", ...), each labelled (label + shift) mod 10: a concept drift when shift is not 0. */
    static List<byte[]> labelled(int from, int n, int shift) {
        ImageDataset train = Mnist.train(DataLocator.locate().resolve("mnist"));
        List<byte[]> out = new ArrayList<>(n);
        byte[] pixels = new byte[784];
        for (int i = from; i < from + n; i++) {
            train.pixels(i, pixels, 0);
            Sample s = Sample.newBuilder().setId("mnist-" + i).setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + i))
                    .setPixels(ByteBuffer.wrap(pixels.clone())).setShape(List.of(28, 28)).setLabel((train.label(i) + shift) % 10).build();
            out.add(NeurostreamSerdes.sample().encode(s));
        }
        return out;
    }
}
