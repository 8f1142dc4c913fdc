// A failure between processing and commit on a real broker: the transaction is aborted and the model never runs ahead of what was committed.
package io.neurostream.app.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neurostream.app.broker.EmbeddedKafka;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.it.KafkaClients;
import io.neurostream.app.metrics.NeurostreamMetrics;
import io.neurostream.app.runtime.TopicSetup;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.schemas.Prediction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class FailureBeforeCommitIT {
    private static final int SAMPLES = 400;
    private static final int FAIL_AFTER = 230; // records processed (written to the store, outputs forwarded) before the failure
    private static final long BASE_TIME = System.currentTimeMillis() - 60_000;

    @TempDir
    Path tmp;

    /** The training processor, made to throw once, right after it processed a record and before that record's transaction commits. */
    private static final class FailingOnce implements Processor<byte[], byte[], byte[], byte[]> {
        private final TrainingProcessor delegate;
        private final AtomicInteger processed;

        FailingOnce(TrainingProcessor delegate, AtomicInteger processed) {
            this.delegate = delegate;
            this.processed = processed;
        }

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            delegate.init(context);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            delegate.process(record);
            if (processed.incrementAndGet() == FAIL_AFTER) {
                throw new IllegalStateException("injected failure after processing record " + FAIL_AFTER + ", before its commit");
            }
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** NeurostreamTopology's topology, with the training processor wrapped (or not) to fail once; the sinks are the app's own. */
    private static Topology topology(NeurostreamConfig config, AtomicInteger processed) {
        ProcessorSettings settings = ProcessorSettings.from(config);
        NeurostreamMetrics metrics = new NeurostreamMetrics(new SimpleMeterRegistry());
        TrainingProcessorSupplier real = new TrainingProcessorSupplier(settings, metrics, io.neurostream.app.sync.SyncLog.NONE);
        ProcessorSupplier<byte[], byte[], byte[], byte[]> supplier = new ProcessorSupplier<>() {
            @Override
            public Processor<byte[], byte[], byte[], byte[]> get() {
                TrainingProcessor p = (TrainingProcessor) real.get();
                return processed == null ? p : new FailingOnce(p, processed);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return real.stores();
            }
        };
        return NeurostreamTopology.build(settings, supplier);
    }

    private NeurostreamConfig config(String bootstrap, String name) {
        Map<String, String> s = new HashMap<>();
        s.put("bootstrap.servers", bootstrap);
        s.put("application.id", name + "-app");
        s.put("state.dir", tmp.resolve(name).toString());
        s.put("commit.interval.ms", "5000"); // a long transaction (below the 10 s transaction timeout): the failure aborts what it holds
        s.put(NeurostreamConfig.TOPIC_PREFIX.name(), name + ".");
        s.put(NeurostreamConfig.SNAPSHOT_INTERVAL.name(), "10");
        s.put(NeurostreamConfig.PREDICTION_MAX_DELAY.name(), "60000");
        s.put(NeurostreamConfig.HTTP_PORT.name(), "-1");
        return NeurostreamConfig.load(null, s);
    }

    /** Runs the topology over the samples until every one has its committed prediction; returns them by sample id. */
    private Map<String, byte[]> run(String bootstrap, String name, AtomicInteger processed, KafkaProducer<byte[], byte[]> producer) throws Exception {
        NeurostreamConfig config = config(bootstrap, name);
        TopicSetup.ensureTopics(config);
        Topics topics = new Topics(name + ".");
        for (int i = 0; i < SAMPLES; i++) {
            int a = i >> 1 & 1;
            int b = i & 1;
            KafkaClients.send(producer, topics.samples(), "xor", Samples.bytes(Samples.values("s" + i, a, b).setLabel(a ^ b)), BASE_TIME + i);
        }
        producer.flush();
        AtomicInteger replaced = new AtomicInteger();
        try (KafkaStreams streams = new KafkaStreams(topology(config, processed), config.streamsProperties())) {
            streams.setUncaughtExceptionHandler(e -> {
                replaced.incrementAndGet();
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            streams.start();
            List<ConsumerRecord<byte[], byte[]>> predictions = KafkaClients.readCommitted(bootstrap, topics.predictions(),
                    rs -> rs.size() >= SAMPLES, Duration.ofSeconds(3), Duration.ofMinutes(3));
            streams.close(Duration.ofSeconds(30));
            assertEquals(processed == null ? 0 : 1, replaced.get(), "stream threads replaced");
            Map<String, byte[]> byId = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : predictions) {
                Prediction p = NeurostreamSerdes.prediction().deserializer().deserialize("p", r.value());
                assertTrue(byId.put(p.getSampleId(), r.value()) == null, name + ": exactly one committed prediction for " + p.getSampleId());
            }
            assertEquals(SAMPLES, byId.size(), name + ": a prediction for every sample");
            return byId;
        }
    }

    @Test
    void shouldNeverRunAheadOfTheCommitWhenATaskFailsBeforeCommitting() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers())) {
            Map<String, byte[]> reference = run(kafka.bootstrapServers(), "ref", null, producer);
            AtomicInteger processed = new AtomicInteger();
            Map<String, byte[]> failed = run(kafka.bootstrapServers(), "fail", processed, producer);
            assertTrue(processed.get() > SAMPLES, "the aborted records were processed again: " + processed.get());
            for (Map.Entry<String, byte[]> e : reference.entrySet()) {
                assertArrayEquals(e.getValue(), failed.get(e.getKey()), "prediction of " + e.getKey() + " (model step, probabilities, loss)");
            }
        }
    }
}
