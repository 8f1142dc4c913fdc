// The weights of a network without optimizer state: what the model-versions topic publishes, for serving.
package io.neurostream.app.versions;

import io.neurostream.core.net.Counters;
import io.neurostream.core.net.Network;
import io.neurostream.core.params.Params;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.SpecException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Layout, little-endian (format 1):
 * <pre>
 * magic "NSWT" | u16 format | u32 n + spec JSON (UTF-8) | u8 dtype (1 float32, 2 float64) | i64 steps
 * | i64 n + n trainable values | i64 n + n state values (batch-norm running averages)
 * </pre>
 * Values are raw IEEE-754 bits, so a decoded network predicts bit for bit as the one encoded. The
 * integrity of the whole is checked by the SHA-256 the manifest carries, not here.
 */
public final class WeightsCodec {
    public static final int FORMAT = 1;
    private static final byte[] MAGIC = {'N', 'S', 'W', 'T'};

    private WeightsCodec() {}

    public static byte[] encode(Network net) {
        Params params = net.params();
        byte[] spec = net.spec().json().getBytes(StandardCharsets.UTF_8);
        boolean isDouble = net.dataType() == DataType.DOUBLE;
        long width = isDouble ? 8 : 4;
        long size = MAGIC.length + 2 + 4 + spec.length + 1 + 8 + 8 + width * params.values().length() + 8 + width * params.state().length();
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(size)).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).putShort((short) FORMAT).putInt(spec.length).put(spec).put((byte) (isDouble ? 2 : 1)).putLong(net.counters().steps());
        put(out, params.values());
        put(out, params.state());
        return out.array();
    }

    /** A new network with the published weights; a payload that does not fit its own spec is a one-line error. */
    public static Network decode(byte[] payload) {
        if (payload.length < MAGIC.length + 2 || !Arrays.equals(Arrays.copyOf(payload, MAGIC.length), MAGIC)) {
            throw new IllegalArgumentException("not a neurostream weights payload (no \"NSWT\" magic, " + payload.length + " bytes)");
        }
        ByteBuffer in = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        in.position(MAGIC.length);
        int format = Short.toUnsignedInt(in.getShort());
        if (format != FORMAT) {
            throw new IllegalArgumentException("weights format " + format + " is not supported (this build reads " + FORMAT + ")");
        }
        try {
            byte[] json = new byte[in.getInt()];
            in.get(json);
            ModelSpec spec = ModelSpec.parse(new String(json, StandardCharsets.UTF_8));
            DataType dtype = in.get() == 2 ? DataType.DOUBLE : DataType.FLOAT;
            if (dtype != spec.dataType()) {
                throw new IllegalArgumentException("weights of model " + spec.name() + ": data type " + dtype + " does not match its spec's " + spec.dataType());
            }
            long steps = in.getLong();
            Network net = Network.create(spec);
            Params params = net.params();
            read(in, params.values(), spec.name() + " values");
            read(in, params.state(), spec.name() + " state");
            net.restore(new Counters(steps, 0, 0), net.rng().state());
            return net;
        } catch (BufferUnderflowException | SpecException e) {
            throw new IllegalArgumentException("weights payload (" + payload.length + " bytes) is malformed: " + e.getMessage(), e);
        }
    }

    private static void put(ByteBuffer out, INDArray a) {
        int n = Math.toIntExact(a.length());
        out.putLong(n);
        ByteBuffer raw = out.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (a.dataType() == DataType.DOUBLE) {
            raw.asDoubleBuffer().put(a.data().asNioDouble().limit(n));
            out.position(out.position() + 8 * n);
        } else {
            raw.asFloatBuffer().put(a.data().asNioFloat().limit(n));
            out.position(out.position() + 4 * n);
        }
    }

    private static void read(ByteBuffer in, INDArray target, String what) {
        long n = in.getLong();
        if (n != target.length()) {
            throw new IllegalArgumentException("weights of " + what + ": expected " + target.length() + " values, got " + n);
        }
        ByteBuffer raw = in.slice().order(ByteOrder.LITTLE_ENDIAN);
        int bytes = Math.multiplyExact(Math.toIntExact(n), target.dataType() == DataType.DOUBLE ? 8 : 4);
        if (raw.remaining() < bytes) {
            throw new BufferUnderflowException();
        }
        raw.limit(bytes);
        if (target.dataType() == DataType.DOUBLE) {
            target.data().asNioDouble().put(raw.asDoubleBuffer());
        } else {
            target.data().asNioFloat().put(raw.asFloatBuffer());
        }
        in.position(in.position() + bytes);
    }
}
