// A TopologyTestDriver around neurostream's topology, with typed readers of its output topics.
package io.neurostream.app.topology;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.metrics.NeurostreamMetrics;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.sync.SyncLog;
import io.neurostream.schemas.DeadLetter;
import io.neurostream.schemas.ModelSpecRecord;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.TrainingMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

final class TopologyHarness implements AutoCloseable {
    final NeurostreamMetrics metrics = new NeurostreamMetrics(new SimpleMeterRegistry());
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> samples;
    final TestInputTopic<byte[], byte[]> models;
    final TestInputTopic<byte[], byte[]> labels;
    final TestOutputTopic<byte[], byte[]> predictions;
    final TestOutputTopic<byte[], byte[]> metricsTopic;
    final TestOutputTopic<byte[], byte[]> deadLetters;
    final TestOutputTopic<byte[], byte[]> sync;
    final TestOutputTopic<byte[], byte[]> modelVersions;

    TopologyHarness(Path stateDir, Map<String, String> settings) {
        this(stateDir, settings, SyncLog.NONE, Instant.ofEpochMilli(1_700_000_000_000L));
    }

    /** A driver whose replicated models read the sync topic through {@code syncLogs}, its wall clock starting at {@code start}. */
    TopologyHarness(Path stateDir, Map<String, String> settings, SyncLog.Factory syncLogs, Instant start) {
        NeurostreamConfig config = NeurostreamConfig.load(null, settings);
        Properties props = config.streamsProperties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(NeurostreamTopology.build(config, metrics, syncLogs), props, start);
        Topics topics = new Topics(config.string(NeurostreamConfig.TOPIC_PREFIX));
        ByteArraySerializer ser = new ByteArraySerializer();
        ByteArrayDeserializer de = new ByteArrayDeserializer();
        samples = driver.createInputTopic(topics.samples(), ser, ser);
        models = driver.createInputTopic(topics.models(), ser, ser);
        labels = driver.createInputTopic(topics.labels(), ser, ser);
        predictions = driver.createOutputTopic(topics.predictions(), de, de);
        metricsTopic = driver.createOutputTopic(topics.metrics(), de, de);
        deadLetters = driver.createOutputTopic(topics.deadLetters(), de, de);
        sync = driver.createOutputTopic(topics.sync(), de, de);
        modelVersions = driver.createOutputTopic(topics.modelVersions(), de, de);
    }

    void send(String model, byte[] value) {
        samples.pipeInput(model == null ? null : model.getBytes(StandardCharsets.UTF_8), value);
    }

    /** A sample stamped {@code timestamp} (record time: the stream time of delayed labels). */
    void sendAt(String model, byte[] value, long timestamp) {
        samples.pipeInput(model.getBytes(StandardCharsets.UTF_8), value, timestamp);
    }

    /** A record on the labels topic (read only with delayed labels on), stamped {@code timestamp}. */
    void sendLabelAt(String model, byte[] value, long timestamp) {
        labels.pipeInput(model.getBytes(StandardCharsets.UTF_8), value, timestamp);
    }

    void sendSpec(String model, String json) {
        ModelSpecRecord record = ModelSpecRecord.newBuilder().setName(model).setSpecJson(json).setCreatedAt(Instant.now()).build();
        models.pipeInput(model.getBytes(StandardCharsets.UTF_8), NeurostreamSerdes.modelSpec().encode(record));
    }

    void sendTombstone(String model) {
        models.pipeInput(model.getBytes(StandardCharsets.UTF_8), (byte[]) null);
    }

    void advanceWallClock(Duration d) {
        driver.advanceWallClockTime(d);
    }

    List<Prediction> predictions() {
        return predictions.readValuesToList().stream().map(b -> NeurostreamSerdes.prediction().deserializer().deserialize("p", b)).toList();
    }

    List<TrainingMetrics> metricsRecords() {
        return metricsTopic.readValuesToList().stream().map(b -> NeurostreamSerdes.trainingMetrics().deserializer().deserialize("m", b)).toList();
    }

    List<DeadLetter> deadLetters() {
        return deadLetters.readValuesToList().stream().map(b -> NeurostreamSerdes.deadLetter().deserializer().deserialize("d", b)).toList();
    }

    double counter(String name, String... tags) {
        var search = metrics.registry().find(name).tags(tags);
        return search.counters().stream().mapToDouble(c -> c.count()).sum();
    }

    double gauge(String name, String... tags) {
        return metrics.registry().get(name).tags(tags).gauge().value();
    }

    @Override
    public void close() {
        driver.close();
    }
}
