// Loads MNIST-layout folders (MNIST, Fashion-MNIST): {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz].
package io.neurostream.core.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads the training or test split of a folder in the MNIST layout (MNIST and Fashion-MNIST alike):
 * {@code <split>-images-idx3-ubyte.gz} and {@code <split>-labels-idx1-ubyte.gz}, or the same names
 * without {@code .gz}. Images are 28x28 uint8 {@code {1, 28, 28}}, 10 classes. The bundled copy is
 * {@code DataLocator.locate().resolve("mnist")}.
 */
public final class Mnist {
    /** Classes of MNIST (digits 0-9) and Fashion-MNIST (0 T-shirt/top ... 9 Ankle boot). */
    public static final int CLASSES = 10;

    /** The two splits and their file-name prefixes. */
    public enum Split {
        /** 60,000 samples, files {@code train-*}. */
        TRAIN("train"),
        /** 10,000 samples, files {@code t10k-*}. */
        TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }

        /** The file-name prefix: {@code train} or {@code t10k}. */
        public String prefix() {
            return prefix;
        }
    }

    private Mnist() {
    }

    /** The training split of {@code dir}, named {@code <folder>/train}. */
    public static ImageDataset train(Path dir) {
        return load(dir, Split.TRAIN);
    }

    /** The test split of {@code dir}, named {@code <folder>/t10k}. */
    public static ImageDataset test(Path dir) {
        return load(dir, Split.TEST);
    }

    /** One split of {@code dir}, named {@code <folder>/<prefix>}, e.g. {@code fashion-mnist/train}. */
    public static ImageDataset load(Path dir, Split split) {
        Path images = find(dir, split.prefix() + "-images-idx3-ubyte");
        Path labels = find(dir, split.prefix() + "-labels-idx1-ubyte");
        return load(images, labels, dir.toAbsolutePath().normalize().getFileName() + "/" + split.prefix());
    }

    /** An image file and a label file in IDX format as one dataset of {@value #CLASSES} classes. */
    public static ImageDataset load(Path imagesFile, Path labelsFile, String name) {
        IdxReader.Images images = IdxReader.readImages(imagesFile);
        byte[] labels = IdxReader.readLabels(labelsFile); // [count] uint8
        if (images.count() != labels.length) {
            throw new DatasetException(name + ": " + images.count() + " images in " + imagesFile + " but "
                    + labels.length + " labels in " + labelsFile);
        }
        for (int i = 0; i < labels.length; i++) {
            if ((labels[i] & 0xff) >= CLASSES) {
                throw new DatasetException(labelsFile + ": label " + (labels[i] & 0xff) + " of sample " + i
                        + " is outside 0.." + (CLASSES - 1));
            }
        }
        return new ByteImageDataset(name, images.count(), images.rows(), images.cols(), CLASSES,
                images.pixels(), labels);
    }

    /** {@code dir/base.gz} if it exists, else {@code dir/base}. */
    private static Path find(Path dir, String base) {
        Path gzipped = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gzipped)) {
            return gzipped;
        }
        Path plain = dir.resolve(base);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        throw new DatasetException(dir + ": no MNIST file " + base + ".gz or " + base);
    }
}
