// MNIST-layout images (MNIST, Fashion-MNIST) as uint8 pixel samples of shape [1, 28, 28].
package io.neurostream.app.produce;

import io.neurostream.core.data.ImageDataset;
import io.neurostream.core.data.Mnist;
import io.neurostream.schemas.Sample;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Ids are {@code <folder>-<split>-<index>}, e.g. {@code mnist-train-0} or {@code fashion-mnist-test-9999},
 * where index is the image's position in the IDX file. Pixels are sent raw (uint8, 0 = background),
 * 4× smaller than floats; the trainer scales them by 1/255.
 */
public final class MnistSource implements SampleSource {
    private final ImageDataset images;
    private final String idPrefix;
    private final boolean labelled;
    private final List<Integer> shape;

    MnistSource(ImageDataset images, String idPrefix, boolean labelled) {
        this.images = images;
        this.idPrefix = idPrefix;
        this.labelled = labelled;
        this.shape = List.of(1, images.rows(), images.cols());
    }

    /** The {@code split} of the MNIST-layout folder {@code dir}; without labels when {@code labelled} is false. */
    public static MnistSource load(Path dir, Mnist.Split split, boolean labelled) {
        String folder = dir.toAbsolutePath().normalize().getFileName().toString();
        String splitName = split.name().toLowerCase(Locale.ROOT);
        return new MnistSource(Mnist.load(dir, split), folder + "-" + splitName + "-", labelled);
    }

    @Override
    public String description() {
        return String.format("%s (%,d images %dx%dx%d, %s)", images.name(), images.size(), 1, images.rows(), images.cols(),
                labelled ? "labelled" : "without labels");
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public Sample sample(int index, long eventTimeMillis) {
        byte[] pixels = new byte[images.rows() * images.cols()]; // [1, H, W] uint8
        images.pixels(index, pixels, 0);
        return Sample.newBuilder()
                .setId(idPrefix + index)
                .setEventTime(Instant.ofEpochMilli(eventTimeMillis))
                .setPixels(ByteBuffer.wrap(pixels))
                .setShape(shape)
                .setLabel(labelled ? images.label(index) : null)
                .build();
    }
}
