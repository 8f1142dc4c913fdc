// The training processor publishes versions of a model's weights to model-versions, consistent with its predictions' modelStep.
package io.neurostream.app.versions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.metrics.NeurostreamMetrics;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.topology.NeurostreamTopology;
import io.neurostream.app.topology.Topics;
import io.neurostream.core.spec.Presets;
import io.neurostream.core.tensor.HostCopy;
import io.neurostream.schemas.ModelVersionPart;
import io.neurostream.schemas.ModelSpecRecord;
import io.neurostream.schemas.ModelVersionRecord;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.Sample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

class ModelVersionsTopologyTest {
    @TempDir
    Path stateDir;

    private static byte[] andRow(String id, int a, int b, boolean labelled) {
        Sample.Builder s = Sample.newBuilder().setId(id).setEventTime(Instant.ofEpochMilli(1_700_000_000_000L)).setValues(List.of((float) a, (float) b));
        if (labelled) {
            s.setLabel(a & b);
        }
        return NeurostreamSerdes.sample().encode(s.build());
    }

    @Test
    void shouldPublishEveryIntervalOfStepsAVersionThatPredictsLikeTheProcessor() {
        NeurostreamConfig config = NeurostreamConfig.load(null, Map.of(NeurostreamConfig.PUBLISH_INTERVAL.name(), "2"));
        Properties props = config.streamsProperties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        Topics topics = new Topics("");
        try (TopologyTestDriver driver = new TopologyTestDriver(NeurostreamTopology.build(config, new NeurostreamMetrics(new SimpleMeterRegistry())), props)) {
            TestInputTopic<byte[], byte[]> samples = driver.createInputTopic(topics.samples(), new ByteArraySerializer(), new ByteArraySerializer());
            TestOutputTopic<byte[], byte[]> versions = driver.createOutputTopic(topics.modelVersions(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            TestOutputTopic<byte[], byte[]> predictions = driver.createOutputTopic(topics.predictions(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            byte[] key = "logic-and".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 4 * 5; i++) { // batch 4: five steps, versions 2 and 4
                samples.pipeInput(key, andRow("s" + i, (i >> 1) & 1, i & 1, true));
            }
            samples.pipeInput(key, andRow("u", 1, 1, false)); // predicted by the model at step 5, not published
            List<TestRecord<byte[], byte[]>> records = versions.readRecordsToList();
            List<Long> manifests = new ArrayList<>();
            ModelVersionReader reader = new ModelVersionReader(p -> {
                throw new AssertionError(p);
            });
            PublishedModel newest = null;
            for (TestRecord<byte[], byte[]> r : records) {
                ModelVersionRecord v = NeurostreamSerdes.modelVersion().deserializer().deserialize("t", r.value());
                if (v.getPart() == ModelVersionPart.MANIFEST) {
                    manifests.add(v.getVersion());
                    assertEquals("logic-and", new String(r.key(), StandardCharsets.UTF_8).split("/")[0]);
                }
                Optional<PublishedModel> done = reader.accept(r.key(), r.value(), "t");
                if (done.isPresent()) {
                    newest = done.get();
                }
            }
            assertEquals(List.of(2L, 4L), manifests, "a version every 2 steps, with the model step as version");
            assertEquals(4, newest.version());
            assertTrue(newest.specJson().contains("logic-and"));

            List<Prediction> made = predictions.readValuesToList().stream()
                    .map(b -> NeurostreamSerdes.prediction().deserializer().deserialize("p", b)).toList();
            Prediction atFour = made.stream().filter(p -> p.getModelStep() == 4).findFirst().orElseThrow();
            int row = Integer.parseInt(atFour.getSampleId().substring(1));
            float[] input = {(row >> 1) & 1, row & 1};
            var out = HostCopy.floats(newest.network().predict(Nd4j.create(new float[][] {input})));
            assertArrayEquals(new float[] {atFour.getOutputs().get(0)}, new float[] {out.get(0)},
                    "version 4 predicts sample " + atFour.getSampleId() + " as the processor did at step 4");
        }
    }

    @Test
    void shouldPublishAVersionWhenAModelsRecordAsksForItAndOtherwiseChangeNothing() {
        NeurostreamConfig config = NeurostreamConfig.load(null, Map.of(NeurostreamConfig.PUBLISH_INTERVAL.name(), "0"));
        Properties props = config.streamsProperties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        Topics topics = new Topics("");
        try (TopologyTestDriver driver = new TopologyTestDriver(NeurostreamTopology.build(config, new NeurostreamMetrics(new SimpleMeterRegistry())), props)) {
            TestInputTopic<byte[], byte[]> samples = driver.createInputTopic(topics.samples(), new ByteArraySerializer(), new ByteArraySerializer());
            TestInputTopic<byte[], byte[]> models = driver.createInputTopic(topics.models(), new ByteArraySerializer(), new ByteArraySerializer());
            TestOutputTopic<byte[], byte[]> versions = driver.createOutputTopic(topics.modelVersions(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            TestOutputTopic<byte[], byte[]> predictions = driver.createOutputTopic(topics.predictions(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            byte[] key = "logic-and".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 4 * 3; i++) { // three steps; interval 0 publishes nothing by itself
                samples.pipeInput(key, andRow("s" + i, (i >> 1) & 1, i & 1, true));
            }
            assertTrue(versions.isEmpty());
            byte[] spec = NeurostreamSerdes.modelSpec().encode(ModelSpecRecord.newBuilder().setName("logic-and").setSpecJson(Presets.json("logic-and"))
                    .setCreatedAt(Instant.EPOCH).build());
            models.pipeInput(new TestRecord<>(key, spec, new RecordHeaders().add(ModelPublisher.PUBLISH_HEADER, "now".getBytes(StandardCharsets.UTF_8))));
            ModelVersionReader reader = new ModelVersionReader(p -> {
                throw new AssertionError(p);
            });
            PublishedModel published = null;
            for (TestRecord<byte[], byte[]> r : versions.readRecordsToList()) {
                published = reader.accept(r.key(), r.value(), "t").orElse(published);
            }
            assertEquals(3, published.version(), "the model's current step");
            models.pipeInput(key, spec); // the same spec without the header: nothing
            assertTrue(versions.isEmpty());
            predictions.readValuesToList();
            samples.pipeInput(key, andRow("after", 1, 1, false));
            Prediction after = NeurostreamSerdes.prediction().deserializer().deserialize("p", predictions.readValue());
            assertEquals(3, after.getModelStep(), "the request did not restart the model");
        }
    }
}
