// A model's drift detector, fed one value per scored labelled sample, and the reaction its spec asks for; its state goes with each snapshot.
package io.neurostream.app.training;

import io.neurostream.core.drift.DriftDetector;
import io.neurostream.core.drift.DriftSpec;
import io.neurostream.core.drift.DriftStatistic;
import io.neurostream.core.net.Network;
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
 * <p>A reaction ({@link #react}) changes the network as the spec's {@link DriftSpec#reaction()} says: {@code none}
 * leaves it, {@code reset_optimizer} restarts the optimizer (moments to zero, learning-rate schedule and bias correction
 * from update 1), {@code reset_weights} draws every parameter afresh from the model's generator and restarts the
 * optimizer, {@code reset_head} does that for the last layer with parameters only (the read-out: when labels change
 * meaning, the features learnt below still hold).
 *
 * <p>The state ({@link #encode}: the detector, and where the optimizer's update count restarted, which the snapshot
 * codec does not keep) is stored beside the snapshot it belongs to and restored with it ({@link #restore}), so a
 * restore followed by the journal's replay feeds the detector the same values in the same order: it fires at the same
 * samples, and reacts there, as a run that never stopped. A saved detector that is not what the spec configures
 * starts afresh.
 */
public final class DriftMonitor {
    private static final int FORMAT = 1;

    private final Network net;
    private final DriftSpec spec;
    private final DriftDetector detector; // null when off

    private DriftMonitor(Network net, DriftDetector detector) {
        this.net = net;
        this.spec = net.spec().drift();
        this.detector = detector;
    }

    /** A fresh detector for a network, as its spec configures it (none when it is off). */
    public static DriftMonitor fresh(Network net) {
        DriftSpec spec = net.spec().drift();
        return new DriftMonitor(net, spec.enabled() ? spec.create() : null);
    }

    /**
     * The monitor saved by {@link #encode} for a network just restored from the snapshot it went with (null: none saved,
     * e.g. a model without a snapshot yet); sets the network's {@link Network#optimizerOrigin()}. The detector starts
     * afresh when the saved one is not what the spec configures.
     *
     * @throws IllegalStateException when the saved state does not read (the caller treats it like a corrupt snapshot)
     */
    public static DriftMonitor restore(Network net, byte[] saved) {
        if (saved == null) {
            return fresh(net);
        }
        DriftSpec spec = net.spec().drift();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(saved))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new IOException("format " + format + ", expected " + FORMAT);
            }
            long optimizerOrigin = in.readLong();
            DriftDetector detector = in.readBoolean() ? DriftDetector.read(in) : null;
            if (in.available() > 0) {
                throw new IOException(in.available() + " bytes left over");
            }
            net.restoreOptimizerOrigin(optimizerOrigin);
            return detector != null && spec.enabled() && spec.configures(detector) ? new DriftMonitor(net, detector) : fresh(net);
        } catch (EOFException e) {
            throw new IllegalStateException("drift state: truncated (" + saved.length + " bytes)", e);
        } catch (IOException | IllegalArgumentException e) {
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

    /**
     * Applies the spec's reaction to the network (after the step of the batch whose scores completed a detection).
     *
     * @return whether it changed anything (false for {@code none})
     */
    public boolean react() {
        switch (spec.reaction()) {
            case DriftSpec.RESET_OPTIMIZER -> net.restartOptimizer();
            case DriftSpec.RESET_WEIGHTS -> net.reinitialize(false);
            case DriftSpec.RESET_HEAD -> net.reinitialize(true);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** The state to store with a snapshot. */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(net.optimizerOrigin());
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
