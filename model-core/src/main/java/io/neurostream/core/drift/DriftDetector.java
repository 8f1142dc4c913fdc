// A change detector on a stream of numbers (a model's 0/1 error or its loss), with state that fits in a model snapshot.
package io.neurostream.core.drift;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Fed one value per labelled sample; says when the stream's distribution changed. Deterministic: the same values in
 * the same order give the same detections and the same state bytes, and {@link #write} then {@link #read} continues
 * exactly where the detector stopped (its parameters travel with its state).
 */
public sealed interface DriftDetector permits Adwin, PageHinkley {
    /** The name used in specs and drift events: "adwin" or "page_hinkley". */
    String name();

    /**
     * Adds one value; true when this value completes a detection, whose figures {@link #last()} then returns.
     *
     * @throws IllegalArgumentException for a value the detector cannot take (not finite; for ADWIN, outside [0, 1])
     */
    boolean update(double x);

    /** The latest detection, or null before the first. */
    DriftStatistic last();

    /** Values seen since creation. */
    long updates();

    /** Detections since creation. */
    long detections();

    /** Writes parameters and state; {@link #read} restores them. */
    void write(DataOutput out) throws IOException;

    /** A detector written by {@link #write}; a stream it cannot read is an IOException that says what is wrong. */
    static DriftDetector read(DataInput in) throws IOException {
        int kind = in.readUnsignedByte();
        int version = in.readUnsignedByte();
        if (kind == Adwin.KIND && version == Adwin.VERSION) {
            return Adwin.readState(in);
        }
        if (kind == PageHinkley.KIND && version == PageHinkley.VERSION) {
            return PageHinkley.readState(in);
        }
        throw new IOException("drift detector state: unknown kind " + kind + " version " + version
                + " (known: adwin " + Adwin.KIND + "/" + Adwin.VERSION + ", page_hinkley " + PageHinkley.KIND + "/" + PageHinkley.VERSION + ")");
    }

    /** {@link #write} into a byte array. */
    default byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** {@link #read} from a byte array, which must hold exactly one detector. */
    static DriftDetector fromBytes(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        DriftDetector detector;
        try {
            detector = read(in);
        } catch (EOFException e) {
            throw new IOException("drift detector state: truncated (" + bytes.length + " bytes)", e);
        }
        if (in.available() > 0) {
            throw new IOException("drift detector state: " + in.available() + " bytes left over after the " + detector.name() + " state");
        }
        return detector;
    }
}
