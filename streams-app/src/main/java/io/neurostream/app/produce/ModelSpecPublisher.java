// Writes a model spec to the compacted models topic, where running applications pick it up.
package io.neurostream.app.produce;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.runtime.TopicSetup;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.topology.Topics;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.schemas.ModelSpecRecord;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;

/** One record per call, key = the model's name; topics are created when absent. */
public final class ModelSpecPublisher {
    private ModelSpecPublisher() {}

    public static RecordMetadata publish(NeurostreamConfig config, ModelSpec spec, String createdBy) throws InterruptedException {
        return publish(config, spec, createdBy, List.of());
    }

    /** As {@link #publish(NeurostreamConfig, ModelSpec, String)}, with these headers on the record. */
    public static RecordMetadata publish(NeurostreamConfig config, ModelSpec spec, String createdBy, List<Header> headers) throws InterruptedException {
        TopicSetup.ensureTopics(config);
        String topic = new Topics(config.string(NeurostreamConfig.TOPIC_PREFIX)).models();
        ModelSpecRecord record = ModelSpecRecord.newBuilder()
                .setName(spec.name())
                .setSpecJson(spec.json())
                .setCreatedAt(Instant.now())
                .setCreatedBy(createdBy)
                .build();
        try (Producer<String, ModelSpecRecord> producer = Producers.create(config, "neurostream-models", NeurostreamSerdes.modelSpec().serializer())) {
            return producer.send(new ProducerRecord<>(topic, null, spec.name(), record, headers)).get();
        } catch (ExecutionException e) {
            throw new KafkaException("cannot write model " + spec.name() + " to topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
    }
}
