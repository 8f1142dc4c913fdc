// A model's drift detector, fed one value per scored labelled sample, with state that goes into each snapshot.
package io.neurostream.app.training;

import io.neurostream.core.drift.DriftDetector;
import io.neurostream.core.drift.DriftSpec;
import io.neurostream.core.drift.DriftStatistic;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reads what the spec's {@link DriftSpec#input()} names from each labelled sample, in the order the prequential
 * figures score them: the 0/1 error (ADWIN) or the per-sample loss (Page-Hinkley; a non-finite loss is skipped, the
 * detector only takes finite values). Off when the spec's detector is off: then it reads nothing.
 *
 * <p>Only a detection whose mean after the change is above the mean before it counts as drift: ADWIN is two-sided, and
 * a learning model's error falls, which it also detects (a model learning its task, not a world that changed).
 *
 * <p>The state ({@link #encode}) is stored beside the snapshot it belongs to and restored with it ({@link #restore}),
 * so a restore followed by the journal's replay feeds the detector the same values in the same order and it fires at
 * the same samples as a run that never stopped. A saved detector that is not what the spec configures starts afresh.
 */
public final class DriftMonitor {
    private static final int FORMAT = 1;

    private final DriftSpec spec;
    private final DriftDetector detector; // null when off

    private DriftMonitor(DriftSpec spec, DriftDetector detector) {
        this.spec = spec;
        this.detector = detector;
    }

    /** A fresh detector as the spec configures it (none when it is off). */
    public static DriftMonitor fresh(DriftSpec spec) {
        return new DriftMonitor(spec, spec.enabled() ? spec.create() : null);
    }

    /**
     * The monitor saved by {@link #encode} (null: none saved, e.g. a model without a snapshot yet); a fresh one when the
     * saved detector is not the one the spec configures.
     *
     * @throws IllegalStateException when the saved state does not read (the caller treats it like a corrupt snapshot)
     */
    public static DriftMonitor restore(DriftSpec spec, byte[] saved) {
        if (saved == null || !spec.enabled()) {
            return fresh(spec);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(saved))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new IOException("format " + format + ", expected " + FORMAT);
            }
            DriftDetector detector = in.readBoolean() ? DriftDetector.read(in) : null;
            if (in.available() > 0) {
                throw new IOException(in.available() + " bytes left over");
            }
            return detector != null && spec.configures(detector) ? new DriftMonitor(spec, detector) : fresh(spec);
        } catch (EOFException e) {
            throw new IllegalStateException("drift state: truncated (" + saved.length + " bytes)", e);
        } catch (IOException e) {
            throw new IllegalStateException("drift state: " + e.getMessage(), e);
        }
    }

    public DriftSpec spec() {
        return spec;
    }

    /** The detector, or null when detection is off. */
    public DriftDetector detector() {
        return detector;
    }

    /**
     * Feeds one scored labelled sample; the detection it completes when the error or loss went up, or null.
     *
     * @param loss    the sample's prequential loss
     * @param correct whether its predicted class was its label
     */
    public DriftStatistic feed(double loss, boolean correct) {
        if (detector == null) {
            return null;
        }
        double x;
        if (spec.input() == DriftSpec.Input.ERROR) {
            x = correct ? 0 : 1;
        } else if (Double.isFinite(loss)) {
            x = loss;
        } else {
            return null;
        }
        if (!detector.update(x)) {
            return null;
        }
        DriftStatistic last = detector.last();
        return last.meanAfter() > last.meanBefore() ? last : null;
    }

    /** The state to store with a snapshot. */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeBoolean(detector != null);
            if (detector != null) {
                detector.write(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }
}
