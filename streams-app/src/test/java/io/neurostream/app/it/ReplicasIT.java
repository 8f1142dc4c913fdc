// On a real broker with exactly-once, 2 partitions and 2 stream threads: two replicas of one MLP train on their MNIST shards and
// merge through the sync topic; both end with the merged model of an in-process replay, bit for bit; one prediction per sample.
package io.neurostream.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.neurostream.app.broker.EmbeddedKafka;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.runtime.NeurostreamApp;
import io.neurostream.app.runtime.TopicSetup;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.sync.SyncRecord;
import io.neurostream.app.topology.Topics;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.schemas.Prediction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class ReplicasIT {
    private static final int ROUNDS = 6;

    @TempDir
    Path tmp;

    @Test
    void shouldEndWithBothReplicasHoldingTheMergedModelOfAnInProcessReplayAndOnePredictionPerSample() throws Exception {
        ModelSpec spec = ModelSpec.parse(ReplicaShards.SPEC);
        ReplicaShards shards = ReplicaShards.forRounds(ROUNDS);
        int perShard = shards.perShard;

        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers())) {
            String bootstrap = kafka.bootstrapServers();
            Map<String, String> settings = Map.of("bootstrap.servers", bootstrap, "application.id", "replicas", "state.dir", tmp.toString(),
                    "num.stream.threads", "2", NeurostreamConfig.TOPIC_PARTITIONS.name(), "2", NeurostreamConfig.HTTP_PORT.name(), "-1",
                    NeurostreamConfig.SYNC_MAX_WAIT.name(), "600000"); // no round closes by time: the model is a function of the shards
            NeurostreamConfig config = NeurostreamConfig.load(null, settings);
            TopicSetup.ensureTopics(config);
            Topics topics = new Topics("");
            long now = System.currentTimeMillis();
            ReplicaShards.sendSpecs(producer, topics.models(), 2, now);
            for (int i = 0; i < perShard; i++) {
                shards.send(producer, topics.samples(), 2, i, now);
            }
            producer.flush();

            ChangelogState store;
            try (NeurostreamApp app = NeurostreamApp.start(config)) {
                long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
                while (!(round(app, 0) == ROUNDS && round(app, 1) == ROUNDS) && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                assertEquals(ROUNDS, round(app, 0), "replica 0 applied every round");
                assertEquals(ROUNDS, round(app, 1), "replica 1 applied every round");
                store = ChangelogState.read(bootstrap, "replicas"); // committed (commit.interval.ms 100 with exactly-once)
                while (!ReplicaShards.done(store, spec, ROUNDS) && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                    store = ChangelogState.read(bootstrap, "replicas");
                }
            }
            assertTrue(ReplicaShards.done(store, spec, ROUNDS), "both replicas committed every round: " + ReplicaShards.states(store));
            assertNotNull(shards.base(store, spec, 0));
            shards.assertReplayed(store, spec, ReplicaShards.runtime(config), "the in-process replay, bit for bit");

            List<Prediction> predictions = KafkaClients.readCommittedToEnd(bootstrap, topics.predictions(), Duration.ofMinutes(1)).stream()
                    .map(r -> NeurostreamSerdes.prediction().deserializer().deserialize("p", r.value())).toList();
            assertEquals(ReplicaShards.REPLICAS * perShard, predictions.size(), "one committed prediction per sample");
            assertEquals(ReplicaShards.REPLICAS * perShard, predictions.stream().map(p -> p.getSampleId().toString()).distinct().count());
            List<ConsumerRecord<byte[], byte[]>> sync = KafkaClients.readCommittedToEnd(bootstrap, topics.sync(), Duration.ofMinutes(1));
            assertTrue(sync.stream().allMatch(r -> r.value().length <= SyncRecord.MAX_RECORD_BYTES));
            assertEquals(1, sync.stream().map(ConsumerRecord::partition).distinct().count(), "all of a model's sync records in one partition");
        }
    }

    private static double round(NeurostreamApp app, int shard) {
        Gauge gauge = app.registry().find("neurostream.sync.round").tags("model", ReplicaShards.MODEL, "replica", Integer.toString(shard)).gauge();
        return gauge == null ? -1 : gauge.value();
    }
}
