// On a real broker with exactly-once: good, unlabelled and broken records mixed; every one ends exactly once, and the counters agree.
package io.neurostream.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.neurostream.app.broker.EmbeddedKafka;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.metrics.ModelProgress;
import io.neurostream.app.runtime.NeurostreamApp;
import io.neurostream.app.runtime.TopicSetup;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.topology.Topics;
import io.neurostream.core.rng.Rng;
import io.neurostream.schemas.DeadLetter;
import io.neurostream.schemas.Prediction;
import io.neurostream.schemas.Sample;
import io.neurostream.schemas.TrainingMetrics;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class AccountingIT {
    private static final String MODEL = "mnist-mlp";
    private static final int LABELLED = 32 * 40; // whole batches: every accepted labelled sample ends trained
    private static final int OTHERS = 400;        // unlabelled or broken, drawn at random among the labelled

    @TempDir
    Path tmp;

    private static byte[] sample(String id, byte[] pixels, Integer label) {
        return NeurostreamSerdes.sample().encode(Sample.newBuilder().setId(id).setEventTime(Instant.now())
                .setPixels(ByteBuffer.wrap(pixels)).setShape(List.of(28, 28)).setLabel(label).build());
    }

    @Test
    void shouldEndEveryRecordAsTrainedPredictedOrDeadLetteredExactlyOnce() throws Exception {
        List<byte[]> mnist = MnistRecords.labelled(LABELLED);
        Rng rng = new Rng(11);
        Map<String, Integer> expectedDead = new HashMap<>();
        int unlabelled = 0;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).build().start();
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(kafka.bootstrapServers())) {
            String bootstrap = kafka.bootstrapServers();
            Map<String, String> settings = Map.of("bootstrap.servers", bootstrap, "application.id", "accounting",
                    "state.dir", tmp.toString(), NeurostreamConfig.HTTP_PORT.name(), "-1", NeurostreamConfig.RECORD_MAX_BYTES.name(), "4096");
            NeurostreamConfig config = NeurostreamConfig.load(null, settings);
            TopicSetup.ensureTopics(config);
            Topics topics = new Topics("");
            long now = System.currentTimeMillis();
            int labelled = 0;
            int others = 0;
            for (int i = 0; labelled < LABELLED; i++) { // the last record completes the last batch
                if (others == OTHERS || rng.nextInt(4) != 0) {
                    KafkaClients.send(producer, topics.samples(), MODEL, mnist.get(labelled++), now);
                    continue;
                }
                others++;
                String id = "other-" + i;
                switch (rng.nextInt(6)) {
                    case 0 -> {
                        KafkaClients.send(producer, topics.samples(), MODEL, sample(id, new byte[784], null), now);
                        unlabelled++;
                    }
                    case 1 -> dead(producer, topics, MODEL, new byte[] {1, 2, 3}, "NOT_AVRO", expectedDead, now);
                    case 2 -> dead(producer, topics, MODEL, sample(id, new byte[783], 3), "SHAPE_MISMATCH", expectedDead, now);
                    case 3 -> dead(producer, topics, MODEL, sample(id, new byte[784], 10), "LABEL_OUT_OF_RANGE", expectedDead, now);
                    case 4 -> dead(producer, topics, "no-such-model", sample(id, new byte[784], 1), "UNKNOWN_MODEL", expectedDead, now);
                    default -> dead(producer, topics, MODEL, new byte[5000], "RECORD_TOO_LARGE", expectedDead, now);
                }
            }
            producer.flush();
            int produced = LABELLED + unlabelled + expectedDead.values().stream().mapToInt(Integer::intValue).sum();

            ModelProgress counters;
            try (NeurostreamApp app = NeurostreamApp.start(config)) {
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                do {
                    Thread.sleep(200);
                    counters = ModelProgress.read(app.registry(), MODEL);
                } while (counters.accounted() < produced && System.nanoTime() < deadline);
            }

            List<Prediction> predictions = KafkaClients.readCommitted(bootstrap, topics.predictions(), rs -> rs.size() >= LABELLED, Duration.ofSeconds(3),
                    Duration.ofMinutes(1)).stream().map(r -> NeurostreamSerdes.prediction().deserializer().deserialize("p", r.value())).toList();
            List<DeadLetter> dead = KafkaClients.readCommitted(bootstrap, topics.deadLetters(), rs -> false, Duration.ZERO, Duration.ofSeconds(5))
                    .stream().map(r -> NeurostreamSerdes.deadLetter().deserializer().deserialize("d", r.value())).toList();
            List<TrainingMetrics> metrics = KafkaClients.readCommitted(bootstrap, topics.metrics(), rs -> false, Duration.ZERO, Duration.ofSeconds(5))
                    .stream().map(r -> NeurostreamSerdes.trainingMetrics().deserializer().deserialize("m", r.value())).toList();

            long trained = predictions.stream().filter(p -> p.getLabel() != null).count();
            long predictedOnly = predictions.stream().filter(p -> p.getLabel() == null).count();
            assertEquals(LABELLED, trained, "a prediction for every labelled sample, each trained on");
            assertEquals(unlabelled, predictedOnly);
            assertEquals(produced, trained + predictedOnly + dead.size(), "trained + predicted-only + dead-lettered = produced");
            assertEquals(trained + predictedOnly, predictions.stream().map(Prediction::getSampleId).distinct().count(), "no sample predicted twice");
            assertEquals(expectedDead, dead.stream().collect(Collectors.groupingBy(d -> d.getReason().toString(), Collectors.summingInt(d -> 1))));
            assertEquals(new ModelProgress(LABELLED, unlabelled, dead.size(), LABELLED / 32, counters.trainingLoss(), counters.fadingAccuracy(),
                    counters.windowAccuracy()), counters, "the meters agree");
            TrainingMetrics last = metrics.get(metrics.size() - 1);
            assertEquals(LABELLED, last.getSamplesTrained(), "the last metrics record");
            assertEquals(unlabelled, last.getSamplesPredicted());
            assertEquals(dead.size() - expectedDead.getOrDefault("UNKNOWN_MODEL", 0), last.getSamplesDeadLettered(),
                    "dead letters of the model (a record for an unknown model belongs to none)");
        }
    }

    private static void dead(KafkaProducer<byte[], byte[]> producer, Topics topics, String key, byte[] value, String reason,
                             Map<String, Integer> expected, long now) {
        KafkaClients.send(producer, topics.samples(), key, value, now);
        expected.merge(reason, 1, Integer::sum);
    }
}
