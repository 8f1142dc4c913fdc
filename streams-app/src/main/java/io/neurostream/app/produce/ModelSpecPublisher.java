// Writes a model spec to the compacted models topic, where running applications pick it up.
package io.neurostream.app.produce;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.records.ReplicaKeys;
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
 * A model's spec records: one keyed by the model's name in the partition of its source ({@link #partition}: the partition of the
 * samples it reads, whose task keeps its state), or, for a model with {@code "replicas": R > 1}, R records keyed {@code NAME#s} in
 * the partitions of its shards ({@link ReplicaKeys#partition}); with initial weights, their chunks before each; and tombstones for
 * what an earlier spec of the model left elsewhere; all in one transaction. Topics are created when absent.
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

    /** What a write did: the spec records written (one per replica, in shard order) and the old keys it tombstoned. */
    public record Written(List<RecordMetadata> specs, List<ModelsTopic.KeyAt> tombstones) {
        /** Where the (first) spec record went. */
        public RecordMetadata first() {
            return specs.get(0);
        }
    }

    public static Written publish(NeurostreamConfig config, ModelSpec spec, String createdBy) throws InterruptedException {
        return publish(config, spec, createdBy, null, List.of());
    }

    /** As {@link #publish(NeurostreamConfig, ModelSpec, String)}, with these headers on every spec record. */
    public static Written publish(NeurostreamConfig config, ModelSpec spec, String createdBy, List<Header> headers) throws InterruptedException {
        return publish(config, spec, createdBy, null, headers);
    }

    /**
     * Writes the model's initial weights ({@link InitPayloads}: a {@code WeightsCodec} payload) as chunks keyed
     * {@code SPECKEY/init/I} before each spec record, which carries the header naming them.
     */
    public static Written publishWithInitialWeights(NeurostreamConfig config, ModelSpec spec, String createdBy, byte[] weights)
            throws InterruptedException {
        return publish(config, spec, createdBy, weights, List.of());
    }

    /**
     * In one transaction, so a read_committed reader (the training processor) sees all of it or none: tombstones for the model's
     * old keys the new placement does not reuse ({@link ModelsTopic#tombstones}: another source's partition, another number of
     * replicas, replicated or not), then, per spec key of {@link ModelsTopic#placement} (NAME, or NAME#0 .. NAME#R-1), the chunks of
     * {@code weights} when given and the spec record, all in that key's partition. A replicated model needs at least as many
     * partitions of the samples topic as replicas: fewer is a one-line IllegalArgumentException, before anything is written.
     *
     * @param weights initial weights, or null to start from the spec's seed
     */
    public static Written publish(NeurostreamConfig config, ModelSpec spec, String createdBy, byte[] weights, List<Header> headers)
            throws InterruptedException {
        TopicSetup.ensureTopics(config);
        Topics topics = new Topics(config.string(NeurostreamConfig.TOPIC_PREFIX));
        String topic = topics.models();
        byte[] record = NeurostreamSerdes.modelSpec().encode(ModelSpecRecord.newBuilder()
                .setName(spec.name())
                .setSpecJson(spec.json())
                .setCreatedAt(Instant.now())
                .setCreatedBy(createdBy)
                .build());
        try (KafkaProducer<String, byte[]> producer = transactional(config)) {
            checkReplicas(spec.name(), spec.replication().replicas(), topics.samples(), producer.partitionsFor(topics.samples()).size());
            List<ModelsTopic.KeyAt> placement = ModelsTopic.placement(spec, producer.partitionsFor(topic).size());
            int chunks = weights == null ? 0 : InitPayloads.chunkCount(weights.length);
            List<ModelsTopic.KeyAt> tombstones = ModelsTopic.tombstones(ModelsTopic.read(config, spec.name()).keys(), placement, chunks);
            List<Header> specHeaders = new ArrayList<>(headers);
            if (weights != null) {
                specHeaders.add(new RecordHeader(InitPayloads.HEADER, InitPayloads.header(weights)));
            }
            producer.initTransactions();
            producer.beginTransaction();
            for (ModelsTopic.KeyAt old : tombstones) {
                producer.send(new ProducerRecord<>(topic, old.partition(), old.key(), null));
            }
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (ModelsTopic.KeyAt at : placement) {
                if (weights != null) {
                    for (KeyValue<String, byte[]> chunk : InitPayloads.chunks(at.key(), weights)) {
                        producer.send(new ProducerRecord<>(topic, at.partition(), chunk.key, chunk.value));
                    }
                }
                sent.add(producer.send(new ProducerRecord<>(topic, at.partition(), null, at.key(), record, specHeaders)));
            }
            producer.commitTransaction();
            List<RecordMetadata> written = new ArrayList<>();
            for (Future<RecordMetadata> f : sent) {
                written.add(f.get());
            }
            return new Written(written, tombstones);
        } catch (ExecutionException e) {
            throw new KafkaException("cannot write model " + spec.name() + " to topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Tombstones every record of the model on the models topic (its spec keys NAME and NAME#s, and their chunk keys, in every
     * partition that holds one), in one transaction; running applications delete the model (every replica of it).
     *
     * @return the keys tombstoned (none when the topic holds no record of the model)
     */
    public static List<ModelsTopic.KeyAt> delete(NeurostreamConfig config, String model) throws InterruptedException {
        TopicSetup.ensureTopics(config);
        String topic = new Topics(config.string(NeurostreamConfig.TOPIC_PREFIX)).models();
        List<ModelsTopic.KeyAt> tombstones = ModelsTopic.tombstones(ModelsTopic.read(config, model).keys(), List.of(), 0);
        if (tombstones.isEmpty()) {
            return tombstones;
        }
        try (KafkaProducer<String, byte[]> producer = transactional(config)) {
            producer.initTransactions();
            producer.beginTransaction();
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (ModelsTopic.KeyAt old : tombstones) {
                sent.add(producer.send(new ProducerRecord<>(topic, old.partition(), old.key(), null)));
            }
            producer.commitTransaction();
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
            return tombstones;
        } catch (ExecutionException e) {
            throw new KafkaException("cannot delete model " + model + " from topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static KafkaProducer<String, byte[]> transactional(NeurostreamConfig config) {
        Map<String, Object> settings = Producers.settings(config, "neurostream-models");
        settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "neurostream-models-create-" + UUID.randomUUID());
        return new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
    }

    /** R <= P: the replicas of a model train on distinct partitions of the samples topic. */
    public static void checkReplicas(String model, int replicas, String samplesTopic, int partitions) {
        if (replicas > partitions) {
            throw new IllegalArgumentException("model " + model + " has " + replicas + " replicas but topic " + samplesTopic + " has only "
                    + partitions + " partition(s): give the topic at least " + replicas + " partitions (neurostream.topic.partitions, or "
                    + "kafka-topics --alter) or the spec fewer replicas");
        }
    }
}
