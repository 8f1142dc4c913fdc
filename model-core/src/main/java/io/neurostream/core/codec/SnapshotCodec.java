// Versioned binary snapshot of a network: spec, weights, state, optimizer moments, RNG state and counters, with a CRC-32C.
package io.neurostream.core.codec;

import io.neurostream.core.NativeKernels;
import io.neurostream.core.net.Counters;
import io.neurostream.core.net.Network;
import io.neurostream.core.params.Params;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.SpecException;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Layout, little-endian (version 2):
 * <pre>
 * magic "NSNP" | u16 version | u16 n + kernels (UTF-8, {@link NativeKernels#id()})
 * | u32 n + spec JSON (UTF-8) | u8 dtype (1 float32, 2 float64)
 * | i64 steps | i64 samplesTrained | i64 skippedSteps | 4 x i64 rng state
 * | u32 layout entries, each: u16 n + name | u8 role | u8 rank | rank x i64 dims
 * | i64 n + n values | i64 n + n state values
 * | u8 optimizer arrays, each: u16 n + name | i64 n + n values
 * | u32 CRC-32C of everything before it
 * </pre>
 * Decoding rebuilds the network from the spec and checks that its parameter layout is the one
 * recorded, so a snapshot is never silently loaded into a different architecture. Round trips
 * are bit-exact: values are copied as raw IEEE-754 bits.
 *
 * <p>The kernels are those of the process that wrote the snapshot. A network that computes with
 * ND4J and is restored under other kernels continues with other rounding, so training from there
 * is no longer bit-identical to an uninterrupted run: decoding logs a warning (README
 * "Determinism"). Version 1 (no kernels) is still read.
 */
public final class SnapshotCodec {
    public static final int VERSION = 2;
    private static final int OLDEST_READABLE = 1;
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotCodec.class);
    private static final byte[] MAGIC = {'N', 'S', 'N', 'P'};
    private static final int CHECKSUM_BYTES = 4;

    private SnapshotCodec() {}

    public static byte[] encode(Network net) {
        Params params = net.params();
        Counters counters = net.counters();
        Sink out = new Sink();
        out.bytes(MAGIC);
        out.u16(VERSION);
        out.string16(NativeKernels.current().id());
        out.string32(net.spec().json());
        out.u8(net.dataType() == DataType.DOUBLE ? 2 : 1);
        out.i64(counters.steps());
        out.i64(counters.samplesTrained());
        out.i64(counters.skippedSteps());
        for (long s : net.rng().state()) {
            out.i64(s);
        }
        out.u32(params.entries().size());
        for (Params.Entry e : params.entries()) {
            out.string16(e.spec().name());
            out.u8(e.spec().role().ordinal());
            long[] shape = e.spec().shape();
            out.u8(shape.length);
            for (long d : shape) {
                out.i64(d);
            }
        }
        out.array(params.values());
        out.array(params.state());
        Map<String, INDArray> optimizerState = net.optimizer().state();
        out.u8(optimizerState.size());
        optimizerState.forEach((name, array) -> {
            out.string16(name);
            out.array(array);
        });
        CRC32C crc = new CRC32C();
        byte[] body = out.toByteArray();
        crc.update(body);
        return ByteBuffer.allocate(body.length + CHECKSUM_BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .put(body).putInt((int) crc.getValue()).array();
    }

    public static Network decode(byte[] bytes) {
        if (bytes.length < MAGIC.length + 2 + CHECKSUM_BYTES || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new SnapshotException("not a neurostream model snapshot: expected magic \"NSNP\", got "
                    + hex(Arrays.copyOf(bytes, Math.min(bytes.length, MAGIC.length))) + " (" + bytes.length + " bytes)");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        in.position(MAGIC.length);
        int version = Short.toUnsignedInt(in.getShort());
        if (version < OLDEST_READABLE || version > VERSION) {
            throw new SnapshotException("snapshot format version " + version + " is not supported (this build reads versions "
                    + OLDEST_READABLE + " to " + VERSION + ")");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - CHECKSUM_BYTES);
        int stored = ByteBuffer.wrap(bytes, bytes.length - CHECKSUM_BYTES, CHECKSUM_BYTES).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if ((int) crc.getValue() != stored) {
            throw new SnapshotException("snapshot (version " + version + ", " + bytes.length + " bytes) is corrupted: CRC-32C "
                    + Integer.toHexString((int) crc.getValue()) + " does not match the stored " + Integer.toHexString(stored));
        }
        try {
            return read(in, version);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new SnapshotException("snapshot (version " + version + ") is malformed: " + e.getMessage(), e);
        }
    }

    private static Network read(ByteBuffer in, int version) {
        String kernels = version >= 2 ? string(in, Short.toUnsignedInt(in.getShort())) : null;
        String json = string(in, in.getInt());
        ModelSpec spec;
        try {
            spec = ModelSpec.parse(json);
        } catch (SpecException e) {
            throw new SnapshotException("snapshot (version " + version + ") holds an invalid model spec: " + e.getMessage(), e);
        }
        String where = "snapshot of model " + spec.name() + " (version " + version + ")";
        DataType dtype = in.get() == 2 ? DataType.DOUBLE : DataType.FLOAT;
        if (dtype != spec.dataType()) {
            throw new SnapshotException(where + ": data type " + dtype + " does not match its spec's " + spec.dataType());
        }
        Counters counters = new Counters(in.getLong(), in.getLong(), in.getLong());
        long[] rng = {in.getLong(), in.getLong(), in.getLong(), in.getLong()};
        Network net = Network.create(spec);
        Params params = net.params();
        int entries = in.getInt();
        if (entries != params.entries().size()) {
            throw new SnapshotException(where + ": " + entries + " parameters recorded, the spec builds " + params.entries().size());
        }
        for (Params.Entry e : params.entries()) {
            String name = string(in, Short.toUnsignedInt(in.getShort()));
            int role = in.get();
            long[] shape = new long[in.get()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = in.getLong();
            }
            if (!name.equals(e.spec().name()) || role != e.spec().role().ordinal() || !Arrays.equals(shape, e.spec().shape())) {
                throw new SnapshotException(where + ": recorded parameter " + name + Arrays.toString(shape)
                        + " does not match the spec's " + e.spec().name() + Arrays.toString(e.spec().shape()));
            }
        }
        readInto(in, params.values(), where + ", values");
        readInto(in, params.state(), where + ", state");
        int optimizerArrays = in.get();
        for (int i = 0; i < optimizerArrays; i++) {
            String name = string(in, Short.toUnsignedInt(in.getShort()));
            INDArray array = Nd4j.zeros(dtype, params.values().length());
            readInto(in, array, where + ", optimizer state " + name);
            net.optimizer().restoreState(name, array);
        }
        net.restore(counters, rng);
        kernelWarning(spec.name(), kernels, NativeKernels.current().id(), net.computesOnHeap()).ifPresent(LOG::warn);
        return net;
    }

    /**
     * The warning for a snapshot written under {@code recorded} kernels (null: a version 1
     * snapshot, which does not say) and restored under {@code current} ones, if they differ and the
     * network computes with them (not on the heap, whose Java arithmetic is the same everywhere).
     */
    static Optional<String> kernelWarning(String model, String recorded, String current, boolean onHeap) {
        if (onHeap || current.equals(recorded)) {
            return Optional.empty();
        }
        String written = recorded == null ? "by a build that did not record its kernels (snapshot version 1)" : "under kernels " + recorded;
        return Optional.of("model " + model + ": snapshot written " + written + ", restored under " + current
                + ": training continues with other rounding, not bit-identical to a run that stayed on the writer's kernels"
                + " (README \"Determinism\")");
    }

    private static void readInto(ByteBuffer in, INDArray target, String what) {
        long n = in.getLong();
        if (n != target.length()) {
            throw new SnapshotException(what + ": expected " + target.length() + " values, got " + n);
        }
        ByteBuffer raw = in.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (target.dataType() == DataType.DOUBLE) {
            raw.limit(Math.multiplyExact(Math.toIntExact(n), 8));
            target.data().asNioDouble().put(raw.asDoubleBuffer());
        } else {
            raw.limit(Math.multiplyExact(Math.toIntExact(n), 4));
            target.data().asNioFloat().put(raw.asFloatBuffer());
        }
        in.position(in.position() + raw.limit());
    }

    private static String string(ByteBuffer in, int length) {
        byte[] b = new byte[length];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }

    /** A growable little-endian byte sink. */
    private static final class Sink {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        void bytes(byte[] b) {
            out.writeBytes(b);
        }

        void u8(int v) {
            out.write(v);
        }

        void u16(int v) {
            put(scratch.clear().putShort((short) v));
        }

        void u32(int v) {
            put(scratch.clear().putInt(v));
        }

        void i64(long v) {
            put(scratch.clear().putLong(v));
        }

        void string16(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u16(b.length);
            bytes(b);
        }

        void string32(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u32(b.length);
            bytes(b);
        }

        /** i64 count + raw little-endian values of a whole (non-view) array. */
        void array(INDArray a) {
            long n = a.length();
            i64(n);
            boolean isDouble = a.dataType() == DataType.DOUBLE;
            ByteBuffer raw = ByteBuffer.allocate(Math.toIntExact(n * (isDouble ? 8 : 4))).order(ByteOrder.LITTLE_ENDIAN);
            if (isDouble) {
                raw.asDoubleBuffer().put(a.data().asNioDouble().limit(Math.toIntExact(n)));
            } else {
                raw.asFloatBuffer().put(a.data().asNioFloat().limit(Math.toIntExact(n)));
            }
            out.writeBytes(raw.array());
        }

        private void put(ByteBuffer filled) {
            out.write(filled.array(), 0, filled.position());
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
