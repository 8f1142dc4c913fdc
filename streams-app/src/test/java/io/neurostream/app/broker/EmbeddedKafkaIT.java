// The embedded broker against real clients: exactly-once needs a working transaction coordinator on
// one node, and a kept data directory must survive a restart.
package io.neurostream.app.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.schemas.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class EmbeddedKafkaIT {
    private static final String MODEL = "mnist-mlp";
    private static final int COMMITTED = 5;
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void shouldDeliverOnlyCommittedTransactionsAndKeepThemAcrossRestart(@TempDir Path dataDir) {
        String topic = "samples-" + UUID.randomUUID();

        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).dataDir(dataDir).build().start()) {
            kafka.createTopic(topic, 2, Map.of("min.insync.replicas", "1"));
            try (KafkaProducer<String, Sample> producer = transactionalProducer(kafka)) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < COMMITTED; i++) {
                    producer.send(new ProducerRecord<>(topic, MODEL, sample("committed-" + i)));
                }
                producer.commitTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, MODEL, sample("aborted")));
                producer.flush();
                producer.abortTransaction();
            }

            assertEquals(committedIds(), readCommittedIds(kafka, topic));
        }

        assertTrue(Files.exists(dataDir.resolve(KraftStorage.META_PROPERTIES)), "a given data directory is kept on close");
        try (EmbeddedKafka restarted = EmbeddedKafka.builder().port(0).dataDir(dataDir).build().start()) {
            assertEquals(committedIds(), readCommittedIds(restarted, topic));
        }
    }

    @Test
    void shouldDeleteItsTemporaryDataDirectoryOnClose() {
        Path dataDir;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            dataDir = kafka.dataDir();
            assertTrue(Files.isDirectory(dataDir));
        }

        assertFalse(Files.exists(dataDir));
    }

    private static KafkaProducer<String, Sample> transactionalProducer(EmbeddedKafka kafka) {
        Map<String, Object> config = Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-" + UUID.randomUUID(),
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(config, new StringSerializer(), NeurostreamSerdes.sample().serializer());
    }

    /** Sample ids read with isolation read_committed from the start, until the committed ones are all there. */
    private static List<String> readCommittedIds(EmbeddedKafka kafka, String topic) {
        Map<String, Object> config = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        List<String> ids = new ArrayList<>();
        try (KafkaConsumer<String, Sample> consumer =
                 new KafkaConsumer<>(config, new StringDeserializer(), NeurostreamSerdes.sample().deserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + POLL_TIMEOUT.toNanos();
            while (ids.size() < COMMITTED && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, Sample> record : consumer.poll(Duration.ofMillis(200))) {
                    assertEquals(MODEL, record.key());
                    ids.add(record.value().getId());
                }
            }
            for (ConsumerRecord<String, Sample> record : consumer.poll(Duration.ofMillis(500))) {
                ids.add(record.value().getId());
            }
        }
        return ids;
    }

    private static List<String> committedIds() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < COMMITTED; i++) {
            ids.add("committed-" + i);
        }
        return ids;
    }

    private static Sample sample(String id) {
        return Sample.newBuilder().setId(id).setEventTime(Instant.now()).setValues(List.of(1.0f, 2.0f)).build();
    }
}
