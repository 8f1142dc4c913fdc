// A model created with initial weights (models create --init-from) starts from them: first prediction, corrupt payloads, restarts.
package io.neurostream.app.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.records.DeadLetterReason;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.state.InitPayloads;
import io.neurostream.app.state.ModelStore;
import io.neurostream.app.versions.WeightsCodec;
import io.neurostream.core.net.Network;
import io.neurostream.core.onnx.OnnxExport;
import io.neurostream.core.onnx.OnnxImport;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.schemas.DeadLetter;
import io.neurostream.schemas.ModelSpecRecord;
import io.neurostream.schemas.Prediction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

class InitialWeightsTest {
    private static final int INPUTS = 400;
    /** 400 x 400 + 400 x 3 weights: 642 KB of float32, so the payload takes two chunks. */
    static final ModelSpec SPEC = ModelSpec.parse("""
            {"name": "warm", "input": {"shape": [400]},
             "layers": [{"type": "dense", "units": 400, "activation": "tanh"}, {"type": "dense", "units": 3, "activation": "softmax"}],
             "loss": "cross_entropy", "optimizer": {"type": "adam", "learning_rate": 0.01}, "batch_size": 2, "seed": 1}
            """);

    @TempDir
    Path stateDir;
    private TopologyHarness harness;

    @BeforeEach
    void start() {
        harness = new TopologyHarness(stateDir, Map.of());
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    /** The spec's network with the weights of an ONNX export of another network (the seed 99 one), as models create --init-from builds it. */
    static Network initialised() {
        Network pretrained = Network.create(SPEC.with(Map.of("seed", 99)));
        Network net = Network.create(SPEC);
        OnnxImport.read(OnnxExport.export(pretrained)).loadInto(net);
        return net;
    }

    private void sendInit(byte[] payload, List<KeyValue<String, byte[]>> chunks) {
        for (KeyValue<String, byte[]> chunk : chunks) {
            harness.models.pipeInput(chunk.key.getBytes(StandardCharsets.UTF_8), chunk.value);
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader(InitPayloads.HEADER, InitPayloads.header(payload)));
        harness.models.pipeInput(new TestRecord<>("warm".getBytes(StandardCharsets.UTF_8), specRecord(), headers, Instant.now()));
    }

    private static byte[] specRecord() {
        return NeurostreamSerdes.modelSpec().encode(ModelSpecRecord.newBuilder().setName("warm").setSpecJson(SPEC.json())
                .setCreatedAt(Instant.now()).build());
    }

    static float[] features(int seed) {
        float[] x = new float[INPUTS];
        for (int i = 0; i < INPUTS; i++) {
            x[i] = (float) Math.sin(seed * 31 + i * 0.37);
        }
        return x;
    }

    static List<Float> expected(Network net, float[] x) {
        List<Float> out = new ArrayList<>();
        for (float v : net.predict(Nd4j.createFromArray(new float[][] {x})).data().asFloat()) {
            out.add(v);
        }
        return out;
    }

    private List<String> storedChunkKeys() {
        KeyValueStore<String, byte[]> store = harness.driver.getKeyValueStore(ModelStore.NAME);
        List<String> keys = new ArrayList<>();
        try (var all = store.all()) {
            all.forEachRemaining(kv -> {
                if (kv.key.contains("/init/")) {
                    keys.add(kv.key);
                }
            });
        }
        return keys;
    }

    @Test
    void shouldPredictFirstWithTheInitialWeightsBitForBit() {
        Network init = initialised();
        byte[] payload = WeightsCodec.encode(init);
        List<KeyValue<String, byte[]>> chunks = InitPayloads.chunks("warm", payload);
        assertEquals(2, chunks.size(), "a payload over 512 KiB is chunked");

        sendInit(payload, chunks);
        harness.send("warm", Samples.bytes(Samples.values("p1", features(1))));

        assertEquals(List.of(), harness.deadLetters());
        List<Prediction> predictions = harness.predictions();
        assertEquals(1, predictions.size());
        assertEquals(0, predictions.get(0).getModelStep());
        assertEquals(expected(init, features(1)), predictions.get(0).getOutputs(), "the initialised network's prediction, bit for bit");
        assertNotEquals(expected(Network.create(SPEC), features(1)), predictions.get(0).getOutputs(), "not the seed's weights");
        assertEquals(List.of(), storedChunkKeys(), "chunks are deleted once used");
    }

    @Test
    void shouldRestartARunningModelFromInitialWeightsSentWithTheSameSpec() {
        Network init = initialised();
        harness.sendSpec("warm", SPEC.json());
        harness.send("warm", Samples.bytes(Samples.values("s0", features(0)).setLabel(0)));
        harness.send("warm", Samples.bytes(Samples.values("s1", features(1)).setLabel(1)));
        harness.send("warm", Samples.bytes(Samples.values("p0", features(7))));
        assertEquals(1, harness.predictions().get(2).getModelStep(), "trained one step");

        byte[] payload = WeightsCodec.encode(init);
        sendInit(payload, InitPayloads.chunks("warm", payload));
        harness.send("warm", Samples.bytes(Samples.values("p", features(7))));
        Prediction p = harness.predictions().get(0);
        assertEquals(0, p.getModelStep());
        assertEquals(expected(init, features(7)), p.getOutputs(), "the same spec with initial weights starts the model again from them");
        assertEquals(List.of(), harness.deadLetters());
    }

    @Test
    void shouldQuarantineTheModelWhenAChunkIsCorrupted() {
        byte[] payload = WeightsCodec.encode(initialised());
        List<KeyValue<String, byte[]>> chunks = new ArrayList<>(InitPayloads.chunks("warm", payload));
        byte[] flipped = chunks.get(1).value.clone();
        flipped[flipped.length - 7] ^= 1;
        chunks.set(1, KeyValue.pair(chunks.get(1).key, flipped));

        sendInit(payload, chunks);
        List<DeadLetter> spec = harness.deadLetters();
        assertEquals(1, spec.size());
        assertEquals(DeadLetterReason.INVALID_MODEL_SPEC.name(), spec.get(0).getReason());
        assertTrue(spec.get(0).getMessage().startsWith("model warm: initial weights (sha256 "), spec.get(0).getMessage());
        assertTrue(spec.get(0).getMessage().endsWith(", 2 chunks) are corrupted: the SHA-256 of the " + payload.length + " bytes reassembled differs"),
                spec.get(0).getMessage());
        assertEquals(1.0, harness.gauge("neurostream.model.quarantined", "model", "warm"));

        harness.send("warm", Samples.bytes(Samples.values("p1", features(1))));
        DeadLetter sample = harness.deadLetters().get(0);
        assertEquals(DeadLetterReason.MODEL_UNAVAILABLE.name(), sample.getReason());
        assertTrue(sample.getMessage().contains("was rejected (model warm: initial weights (sha256 "), sample.getMessage());
        assertFalse(sample.getMessage().contains("\n"));
        assertEquals(List.of(), storedChunkKeys(), "the unusable chunks are deleted too");
    }

    @Test
    void shouldQuarantineTheModelWhenAChunkIsMissingOrMadeForAnotherSpec() {
        byte[] payload = WeightsCodec.encode(initialised());
        sendInit(payload, InitPayloads.chunks("warm", payload).subList(0, 1));
        assertEquals("chunk 1 is missing (write the model again with models create --init-from)",
                harness.deadLetters().get(0).getMessage().replaceFirst("^model warm: initial weights \\(sha256 [0-9a-f]{12}…, 2 chunks\\): ", ""));

        byte[] other = WeightsCodec.encode(Network.create(SPEC.with(Map.of("seed", 2))));
        sendInit(other, InitPayloads.chunks("warm", other));
        String message = harness.deadLetters().get(0).getMessage();
        assertTrue(message.endsWith(", 2 chunks) were made for another spec than this one"), message);
        assertEquals(1.0, harness.gauge("neurostream.model.quarantined", "model", "warm"));
    }

    @Test
    void shouldDeadLetterChunksThatNoModelWithinTheLimitsNeeds() {
        harness.models.pipeInput("warm/init/0".getBytes(StandardCharsets.UTF_8), "garbage".getBytes(StandardCharsets.UTF_8));
        harness.models.pipeInput("warm/init/99999".getBytes(StandardCharsets.UTF_8), new byte[10]);
        harness.models.pipeInput("no model!/init/0".getBytes(StandardCharsets.UTF_8), new byte[10]);
        List<DeadLetter> letters = harness.deadLetters();
        assertEquals(3, letters.size());
        letters.forEach(d -> assertEquals(DeadLetterReason.INVALID_INIT_CHUNK.name(), d.getReason()));
        assertEquals("record at offset 0: initial-weights chunk warm/init/0 (7 bytes): not an initial-weights chunk (no \"NSIC\" magic)",
                letters.get(0).getMessage());
        assertEquals("record at offset 1: initial-weights chunk keyed warm/init/99999: the chunk index must be a number below 155 "
                + "(a model within the limits needs no more chunks)", letters.get(1).getMessage());
        assertEquals("record at offset 2: initial-weights chunk keyed no model!/init/0: no model! is not a valid model name", letters.get(2).getMessage());
        assertEquals(List.of(), storedChunkKeys());
    }

    @Test
    void shouldKeepTheInitialWeightsAcrossRestarts() {
        Network init = initialised();
        byte[] payload = WeightsCodec.encode(init);
        KeyValueStore<String, byte[]> interruptedStore = ProcessorTask.newStore();
        ProcessorTask first = new ProcessorTask(interruptedStore, 0, Map.of());
        create(first, payload);
        train(first, 0, 3);
        ProcessorTask restarted = new ProcessorTask(interruptedStore, first.offset, Map.of());
        train(restarted, 3, 8);

        ProcessorTask uninterrupted = new ProcessorTask(ProcessorTask.newStore(), 0, Map.of());
        create(uninterrupted, payload);
        train(uninterrupted, 0, 8);
        assertArrayEquals(uninterrupted.processor.encodedModel("warm"), restarted.processor.encodedModel("warm"), "bit-identical model");

        ProcessorTask fresh = new ProcessorTask(ProcessorTask.newStore(), 0, Map.of());
        fresh.sendSpec("warm", SPEC.json());
        train(fresh, 0, 8);
        assertFalse(Arrays.equals(fresh.processor.encodedModel("warm"), restarted.processor.encodedModel("warm")),
                "trained from the initial weights, not the seed's");

        KeyValueStore<String, byte[]> store = ProcessorTask.newStore();
        ProcessorTask predictor = new ProcessorTask(store, 0, Map.of());
        create(predictor, payload);
        ProcessorTask predictorRestarted = new ProcessorTask(store, predictor.offset, Map.of());
        predictorRestarted.send("warm", Samples.bytes(Samples.values("p", features(5))));
        Prediction p = NeurostreamSerdes.prediction().deserializer().deserialize("p", predictorRestarted.outputs().get(0).value());
        assertEquals(expected(init, features(5)), p.getOutputs(), "restored from the store with the initial weights");
    }

    private static void create(ProcessorTask task, byte[] payload) {
        for (KeyValue<String, byte[]> chunk : InitPayloads.chunks("warm", payload)) {
            task.context.setRecordMetadata("models", 0, task.offset++);
            task.processor.process(new Record<>(chunk.key.getBytes(StandardCharsets.UTF_8), chunk.value, task.offset));
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader(InitPayloads.HEADER, InitPayloads.header(payload)));
        task.context.setRecordMetadata("models", 0, task.offset++);
        task.processor.process(new Record<>("warm".getBytes(StandardCharsets.UTF_8), specRecord(), task.offset, headers));
        assertEquals(List.of(), task.deadLetters());
    }

    private static void train(ProcessorTask task, int from, int to) {
        for (int i = from; i < to; i++) {
            task.send("warm", Samples.bytes(Samples.values("s" + i, features(i)).setLabel(i % 3)));
        }
        assertEquals(List.of(), task.deadLetters());
    }
}
