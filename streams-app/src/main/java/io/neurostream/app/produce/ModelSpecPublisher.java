// Writes a model spec to the compacted models topic, where running applications pick it up.
package io.neurostream.app.produce;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.runtime.TopicSetup;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.state.InitPayloads;
import io.neurostream.app.topology.Topics;
import io.neurostream.app.versions.ModelVersionKeys;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.schemas.ModelSpecRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;

/**
 * One record per call, key = the model's name (with initial weights: their chunks before it, in one transaction), in the
 * partition of the model's source ({@link #partition}): the partition of the samples it reads, whose task keeps its state;
 * topics are created when absent.
 */
public final class ModelSpecPublisher {
    private ModelSpecPublisher() {}

    /**
     * The partition of a spec among {@code partitions}: the one the default partitioner gives samples keyed by the model's source
     * (its own name unless the spec names another stream), so the spec reaches the task that reads the model's samples.
     */
    public static int partition(ModelSpec spec, int partitions) {
        return ModelVersionKeys.partition(spec.source(), partitions);
    }

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
            return producer.send(new ProducerRecord<>(topic, partition(spec, producer.partitionsFor(topic).size()), null, spec.name(), record, headers))
                    .get();
        } catch (ExecutionException e) {
            throw new KafkaException("cannot write model " + spec.name() + " to topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Writes the model's initial weights ({@link InitPayloads}: a {@code WeightsCodec} payload) as
     * chunks keyed {@code NAME/init/I}, then its spec with the header naming them, in one
     * transaction and all in the partition of the model's source ({@link #partition}): a read_committed reader (the
     * training processor) sees all of them or none, the chunks first.
     *
     * @return where the spec record was written
     */
    public static RecordMetadata publishWithInitialWeights(NeurostreamConfig config, ModelSpec spec, String createdBy, byte[] weights)
            throws InterruptedException {
        TopicSetup.ensureTopics(config);
        String topic = new Topics(config.string(NeurostreamConfig.TOPIC_PREFIX)).models();
        byte[] record = NeurostreamSerdes.modelSpec().encode(ModelSpecRecord.newBuilder()
                .setName(spec.name())
                .setSpecJson(spec.json())
                .setCreatedAt(Instant.now())
                .setCreatedBy(createdBy)
                .build());
        Map<String, Object> settings = Producers.settings(config, "neurostream-models");
        settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "neurostream-models-create-" + UUID.randomUUID());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            int partition = partition(spec, producer.partitionsFor(topic).size());
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (KeyValue<String, byte[]> chunk : InitPayloads.chunks(spec.name(), weights)) {
                sent.add(producer.send(new ProducerRecord<>(topic, partition, chunk.key, chunk.value)));
            }
            List<Header> headers = List.of(new RecordHeader(InitPayloads.HEADER, InitPayloads.header(weights)));
            sent.add(producer.send(new ProducerRecord<>(topic, partition, null, spec.name(), record, headers)));
            producer.commitTransaction();
            return sent.get(sent.size() - 1).get();
        } catch (ExecutionException e) {
            throw new KafkaException("cannot write model " + spec.name() + " to topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
    }
}
