// The reader of the model-versions topic: chunks of at most 512 KiB, the checksum, and never half a model.
package io.neurostream.app.versions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.core.codec.SnapshotChunks;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import io.neurostream.core.tensor.HostCopy;
import io.neurostream.schemas.ModelVersionRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ModelVersionReaderTest {
    private final List<String> problems = new ArrayList<>();
    private final ModelVersionReader reader = new ModelVersionReader(problems::add);

    /** mnist-mlp after {@code steps} steps of random data: 101,770 float32 parameters, ~407 KB of weights. */
    private static Network trained(String preset, int steps) {
        Network net = Network.create(ModelSpec.parse(Presets.json(preset)));
        int batch = net.spec().batchSize();
        INDArray x = Nd4j.rand(DataType.FLOAT, net.inputShape().withBatch(batch));
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, net.outputSize());
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % net.outputSize(), 1f);
        }
        for (int i = 0; i < steps; i++) {
            net.trainStep(x, y);
        }
        return net;
    }

    private Optional<PublishedModel> feed(List<KeyValue<byte[], byte[]>> records) {
        Optional<PublishedModel> last = Optional.empty();
        for (KeyValue<byte[], byte[]> kv : records) {
            Optional<PublishedModel> done = reader.accept(kv.key, kv.value, "test");
            if (done.isPresent()) {
                last = done;
            }
        }
        return last;
    }

    @Test
    void shouldSplitLargeModelsIntoChunksOfAtMost512KiBAndJoinThemBitForBit() {
        Network big = Network.create(ModelSpec.parse(Presets.json("mnist-cnn"))); // ~3.3 M parameters, ~13 MB
        List<KeyValue<byte[], byte[]>> records = ModelPublisher.records("mnist-cnn", big, 1_700_000_000_000L, SnapshotChunks.MAX_CHUNK_BYTES);
        assertTrue(records.size() > 20, "chunks + manifest: " + records.size());
        for (KeyValue<byte[], byte[]> kv : records) {
            ModelVersionRecord r = NeurostreamSerdes.modelVersion().deserializer().deserialize("t", kv.value);
            assertTrue(r.getData().remaining() <= SnapshotChunks.MAX_CHUNK_BYTES);
            assertTrue(kv.value.length < 1024 * 1024 - 1024, "fits Kafka's default record limit with room: " + kv.value.length);
        }
        PublishedModel published = feed(records).orElseThrow();
        assertEquals(0, published.version());
        assertArrayEquals(WeightsCodec.encode(big), published.payload());
        Network back = published.network();
        assertEquals(big.params().values(), back.params().values());
        assertEquals(big.params().state(), back.params().state());
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void shouldPredictBitForBitLikeThePublishedNetwork() {
        Network net = trained("mnist-mlp", 3);
        PublishedModel published = feed(ModelPublisher.records("mnist-mlp", net, 1L, SnapshotChunks.MAX_CHUNK_BYTES)).orElseThrow();
        assertEquals(3, published.version());
        Network served = published.network();
        assertEquals(3, served.counters().steps());
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 784);
        float[] expected = floats(net.predict(x));
        float[] actual = floats(served.predict(x));
        assertArrayEquals(expected, actual);
    }

    @Test
    void shouldKeepThePreviousVersionUntilEveryChunkOfTheNextHasArrived() {
        Network net = trained("mnist-mlp", 1);
        List<KeyValue<byte[], byte[]>> v1 = ModelPublisher.records("mnist-mlp", net, 1L, 100_000);
        assertEquals(v1.size() - 1, 5, "407 KB in chunks of 100 kB");
        assertEquals(1, feed(v1).orElseThrow().version());
        net = trained("mnist-mlp", 2);
        List<KeyValue<byte[], byte[]>> v2 = ModelPublisher.records("mnist-mlp", net, 2L, 100_000);
        // chunks 0..2 of version 2 only: what a reader sees mid-transfer, or what compaction can leave beside version 1's chunks
        assertTrue(feed(v2.subList(0, 3)).isEmpty());
        assertEquals(1, reader.newest("mnist-mlp").orElseThrow().version());
        // version 2's manifest with chunks 3 and 4 still from version 1: half a model, not returned
        assertTrue(reader.accept(v2.get(v2.size() - 1).key, v2.get(v2.size() - 1).value, "test").isEmpty());
        assertEquals(1, reader.newest("mnist-mlp").orElseThrow().version());
        PublishedModel two = feed(v2.subList(3, 5)).orElseThrow();
        assertEquals(2, two.version());
        assertArrayEquals(WeightsCodec.encode(net), two.payload());
    }

    @Test
    void shouldRejectChunksWhoseBytesDoNotMatchTheChecksum() {
        Network net = trained("mnist-mlp", 1);
        List<KeyValue<byte[], byte[]>> records = new ArrayList<>(ModelPublisher.records("mnist-mlp", net, 1L, 100_000));
        ModelVersionRecord chunk = NeurostreamSerdes.modelVersion().deserializer().deserialize("t", records.get(2).value);
        byte[] data = new byte[chunk.getData().remaining()];
        chunk.getData().duplicate().get(data);
        data[17] ^= 1;
        chunk.setData(ByteBuffer.wrap(data));
        records.set(2, KeyValue.pair(records.get(2).key, NeurostreamSerdes.modelVersion().encode(chunk)));
        assertTrue(feed(records).isEmpty());
        assertTrue(reader.newest("mnist-mlp").isEmpty());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("SHA-256"), problems.get(0));
    }

    @Test
    void shouldSkipRecordsThatAreNotModelVersions() {
        assertTrue(reader.accept(ModelVersionKeys.chunk("m", 0), new byte[] {1, 2, 3}, "model-versions-0@5").isEmpty());
        assertTrue(reader.accept(null, new byte[] {1}, "model-versions-0@6").isEmpty());
        assertEquals(2, problems.size());
        assertTrue(problems.get(0).contains("model-versions-0@5"), problems.get(0));
    }

    @Test
    void shouldPartitionEveryRecordOfAModelByItsName() {
        int p = ModelVersionKeys.partition("mnist-mlp", 6);
        assertEquals(p, ModelVersionKeys.partitioner().partitions("t", ModelVersionKeys.chunk("mnist-mlp", 3), null, 6).orElseThrow().iterator().next());
        assertEquals(p, ModelVersionKeys.partitioner().partitions("t", ModelVersionKeys.manifest("mnist-mlp"), null, 6).orElseThrow().iterator().next());
        assertEquals("mnist-mlp", ModelVersionKeys.model(ModelVersionKeys.chunk("mnist-mlp", 12)));
    }

    private static float[] floats(INDArray a) {
        var buffer = HostCopy.floats(a);
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
