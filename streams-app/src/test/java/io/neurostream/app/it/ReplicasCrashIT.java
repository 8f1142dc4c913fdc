// Two `run` processes train the two replicas of one model; one is SIGKILLed three times mid-round (its replica moves to the other
// process and back): the final model is, bit for bit, the in-process replay of an uninterrupted run; one prediction per sample.
package io.neurostream.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.broker.EmbeddedKafka;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.runtime.TopicSetup;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.topology.Topics;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.schemas.Prediction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class ReplicasCrashIT {
    private static final int ROUNDS = 8;
    private static final String APP = "replicas-crash";
    private static final Path LOGS = Path.of("target", "it-logs", "replicas-crash");

    @TempDir
    Path tmp;

    private Map<String, String> settings(String bootstrap, String instance) {
        Map<String, String> s = new HashMap<>();
        s.put("application.id", APP);
        s.put("state.dir", tmp.resolve(instance).toString());
        s.put("session.timeout.ms", "6000");
        s.put("heartbeat.interval.ms", "1000");
        s.put(NeurostreamConfig.TOPIC_PARTITIONS.name(), "2");
        s.put(NeurostreamConfig.SNAPSHOT_INTERVAL.name(), "5");
        s.put(NeurostreamConfig.HTTP_PORT.name(), "-1");
        s.put(NeurostreamConfig.SYNC_MAX_WAIT.name(), "600000"); // no round closes by time: the model is a function of the shards
        return s;
    }

    @Test
    void shouldEndWithTheUninterruptedModelBitForBitAfterThreeSigkillsOfOneOfTwoRunProcesses() throws Exception {
        ModelSpec spec = ModelSpec.parse(ReplicaShards.SPEC);
        ReplicaShards shards = ReplicaShards.forRounds(ROUNDS);
        int perShard = shards.perShard;

        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers())) {
            String bootstrap = kafka.bootstrapServers();
            Map<String, String> a = settings(bootstrap, "a");
            Map<String, String> b = settings(bootstrap, "b");
            Map<String, String> setup = new HashMap<>(a);
            setup.put("bootstrap.servers", bootstrap);
            NeurostreamConfig config = NeurostreamConfig.load(null, setup);
            TopicSetup.ensureTopics(config);
            Topics topics = new Topics("");
            long now = System.currentTimeMillis();
            ReplicaShards.sendSpecs(producer, topics.models(), 2, now);

            List<Map<String, String>> instances = List.of(a, b);
            AppProcess[] processes = {AppProcess.start(bootstrap, a, LOGS.resolve("run-0-a.log")), AppProcess.start(bootstrap, b, LOGS.resolve("run-0-b.log"))};
            List<Path> logs = new ArrayList<>(List.of(LOGS.resolve("run-0-a.log"), LOGS.resolve("run-0-b.log")));
            try {
                processes[0].awaitRunning(120);
                processes[1].awaitRunning(120);
                int chunk = perShard / 4;
                for (int run = 0; run < 4; run++) {
                    for (int i = run * chunk; i < (run + 1) * chunk; i++) { // paced: the kill falls while rounds are under way
                        shards.send(producer, topics.samples(), 2, i, now);
                        if (i % 32 == 31) {
                            producer.flush();
                            Thread.sleep(150);
                        }
                    }
                    producer.flush();
                    if (run < 3) {
                        // b, then a, then b: each time the process that holds replicas (a killed one's go to the other, and the
                        // sticky assignment leaves them there), while the chunk's rounds are under way
                        int victim = run % 2 == 0 ? 1 : 0;
                        Thread.sleep(700);
                        processes[victim].kill();
                        Path log = LOGS.resolve("run-" + (run + 1) + "-" + (victim == 0 ? "a" : "b") + ".log");
                        logs.add(log);
                        processes[victim] = AppProcess.start(bootstrap, instances.get(victim), log);
                        processes[victim].awaitRunning(120);
                    }
                }
                long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                ChangelogState store = ChangelogState.read(bootstrap, APP);
                while (!ReplicaShards.done(store, spec, ROUNDS) && System.nanoTime() < deadline) {
                    Thread.sleep(2000);
                    store = ChangelogState.read(bootstrap, APP);
                }
                assertTrue(ReplicaShards.done(store, spec, ROUNDS), "both replicas applied all " + ROUNDS + " rounds within 5 minutes: "
                        + ReplicaShards.states(store));
                assertNotNull(shards.base(store, spec, 0));
                shards.assertReplayed(store, spec, ReplicaShards.runtime(config),
                        "after three SIGKILLs, the uninterrupted run (the in-process replay ReplicasIT checks a run against)");

                List<Prediction> predictions = KafkaClients.readCommittedToEnd(bootstrap, topics.predictions(), Duration.ofMinutes(1)).stream()
                        .map(r -> NeurostreamSerdes.prediction().deserializer().deserialize("p", r.value())).toList();
                Map<String, Long> perId = predictions.stream().collect(Collectors.groupingBy(p -> p.getSampleId().toString(), Collectors.counting()));
                assertEquals(ReplicaShards.REPLICAS * perShard, perId.size(), "a committed prediction for every sample");
                assertTrue(perId.values().stream().allMatch(c -> c == 1), "exactly one committed prediction per sample");
                assertTrue(KafkaClients.readCommittedToEnd(bootstrap, topics.deadLetters(), Duration.ofSeconds(30)).isEmpty(), "nothing dead-lettered");
                long restores = 0;
                for (Path log : logs) {
                    restores += java.nio.file.Files.readAllLines(log).stream().filter(l -> l.contains("restored at step")).count();
                }
                assertTrue(restores >= 3, "replicas moved and were restored from their store at least 3 times: " + restores);
            } finally {
                processes[0].kill();
                processes[1].kill();
            }
        }
    }
}
