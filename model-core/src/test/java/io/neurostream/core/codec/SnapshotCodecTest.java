// Snapshot round trips are bit-exact and record the kernels; version 1 still decodes; foreign, corrupted or mismatched snapshots are clear errors.
package io.neurostream.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.NativeKernels;
import io.neurostream.core.gradcheck.GradientCheck;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.Presets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class SnapshotCodecTest {

    private static Network trained(String optimizer, int steps) {
        Network net = Network.create(Presets.load("circle").with(Map.of("optimizer", Map.of("type", optimizer, "momentum", 0.5))
                .entrySet().stream().filter(e -> optimizer.equals("sgd")).findAny()
                .map(e -> Map.<String, Object>of("optimizer", Map.of("type", "sgd", "momentum", 0.5)))
                .orElse(Map.of("optimizer", Map.of("type", optimizer)))));
        for (int i = 0; i < steps; i++) {
            net.trainStep(GradientCheck.randomInput(i, 16, 2).castTo(DataType.FLOAT),
                    GradientCheck.randomOneHot(i + 50, 16, 2).castTo(DataType.FLOAT));
        }
        return net;
    }

    @Test
    void roundTripIsBitExactForAdamAndMomentum() {
        for (String optimizer : List.of("adam", "sgd")) {
            Network net = trained(optimizer, 5);
            byte[] bytes = SnapshotCodec.encode(net);
            Network restored = SnapshotCodec.decode(bytes);
            assertArrayEquals(bytes, SnapshotCodec.encode(restored), optimizer);
            assertEquals(net.counters(), restored.counters());
            assertArrayEquals(net.rng().state(), restored.rng().state());
            assertEquals(net.optimizer().state().keySet(), restored.optimizer().state().keySet());
        }
    }

    @Test
    void restoredNetworkContinuesExactlyLikeTheOriginal() {
        Network original = trained("adam", 5);
        Network restored = SnapshotCodec.decode(SnapshotCodec.encode(original));
        for (int i = 0; i < 5; i++) {
            INDArray x = GradientCheck.randomInput(1000 + i, 16, 2).castTo(DataType.FLOAT);
            INDArray y = GradientCheck.randomOneHot(2000 + i, 16, 2).castTo(DataType.FLOAT);
            original.trainStep(x, y);
            restored.trainStep(x, y);
        }
        assertArrayEquals(SnapshotCodec.encode(original), SnapshotCodec.encode(restored));
    }

    @Test
    void foreignBytesAreRejected() {
        SnapshotException e = assertThrows(SnapshotException.class,
                () -> SnapshotCodec.decode("hello, world".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().startsWith("not a neurostream model snapshot"), e.getMessage());
    }

    @Test
    void aFlippedBitIsDetected() {
        byte[] bytes = SnapshotCodec.encode(trained("adam", 1));
        bytes[bytes.length / 2] ^= 0x10;
        SnapshotException e = assertThrows(SnapshotException.class, () -> SnapshotCodec.decode(bytes));
        assertTrue(e.getMessage().contains("corrupted"), e.getMessage());
    }

    @Test
    void anUnknownVersionIsNamed() {
        byte[] bytes = SnapshotCodec.encode(trained("adam", 1));
        bytes[4] = 9;
        SnapshotException e = assertThrows(SnapshotException.class, () -> SnapshotCodec.decode(bytes));
        assertTrue(e.getMessage().contains("version 9"), e.getMessage());
    }

    @Test
    void theWritersKernelsAreRecordedAfterTheVersion() {
        byte[] bytes = SnapshotCodec.encode(trained("adam", 1));
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        in.position(4);
        assertEquals(SnapshotCodec.VERSION, in.getShort());
        byte[] kernels = new byte[in.getShort()];
        in.get(kernels);
        assertEquals(NativeKernels.current().id(), new String(kernels, StandardCharsets.UTF_8));
    }

    @Test
    void aRestoreUnderOtherKernelsIsWarnedUnlessTheNetworkComputesOnTheHeap() {
        String here = "openblas=Haswell l2=512 dnnl=ALL cpu=avx512";
        String there = "openblas=SkylakeX l2=auto dnnl=ALL cpu=avx512";
        assertEquals(Optional.empty(), SnapshotCodec.kernelWarning("m", here, here, false));
        assertEquals(Optional.empty(), SnapshotCodec.kernelWarning("m", there, here, true));
        String warning = SnapshotCodec.kernelWarning("m", there, here, false).orElseThrow();
        assertTrue(warning.startsWith("model m: snapshot written under kernels " + there + ", restored under " + here), warning);
        assertTrue(SnapshotCodec.kernelWarning("m", null, here, false).orElseThrow().contains("snapshot version 1"));
    }

    /** A version 1 snapshot (before kernels were recorded), written by trained("adam", 5), which computes on the heap. */
    @Test
    void aVersion1SnapshotStillDecodes() throws IOException {
        byte[] v1;
        try (InputStream in = SnapshotCodecTest.class.getResourceAsStream("/snapshots/circle-adam-5-steps-v1.nsnp")) {
            v1 = in.readAllBytes();
        }
        assertEquals(1, v1[4]);
        Network restored = SnapshotCodec.decode(v1);
        Network original = trained("adam", 5);
        assertEquals(original.counters(), restored.counters());
        assertArrayEquals(original.rng().state(), restored.rng().state());
        assertEquals(original.params().values(), restored.params().values());
        assertArrayEquals(SnapshotCodec.encode(original), SnapshotCodec.encode(restored));
    }

    @Test
    void chunksAreAtMost512KiBAndJoinBack() {
        Network big = Network.create(Presets.load("mnist-mlp").with(Map.of("optimizer", Map.of("type", "adam"))));
        big.trainStep(GradientCheck.randomInput(1, 4, 784).castTo(DataType.FLOAT), GradientCheck.randomOneHot(2, 4, 10).castTo(DataType.FLOAT));
        byte[] bytes = SnapshotCodec.encode(big);
        assertTrue(bytes.length > SnapshotChunks.MAX_CHUNK_BYTES, "needs several chunks: " + bytes.length);
        SnapshotChunks.Split split = SnapshotChunks.split(bytes);
        assertTrue(split.chunks().stream().allMatch(c -> c.length <= SnapshotChunks.MAX_CHUNK_BYTES));
        SnapshotChunks.Manifest manifest = SnapshotChunks.Manifest.decode(split.manifest().encode());
        assertEquals(split.manifest(), manifest);
        assertArrayEquals(bytes, SnapshotChunks.join(manifest, split.chunks()));
    }

    @Test
    void aMissingOrDamagedChunkIsAnError() {
        byte[] bytes = SnapshotCodec.encode(trained("adam", 1));
        SnapshotChunks.Split split = SnapshotChunks.split(bytes, 100);
        List<byte[]> missing = split.chunks().subList(0, split.chunks().size() - 1);
        assertThrows(SnapshotException.class, () -> SnapshotChunks.join(split.manifest(), missing));
        split.chunks().get(1)[3] ^= 1;
        SnapshotException e = assertThrows(SnapshotException.class, () -> SnapshotChunks.join(split.manifest(), split.chunks()));
        assertTrue(e.getMessage().contains("corrupted"), e.getMessage());
    }
}
