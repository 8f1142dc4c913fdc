// `neurostream models publish NAME`: asks the running application for a version of a model's weights on model-versions now.
package io.neurostream.app.cli;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.runtime.ClientSettings;
import io.neurostream.app.produce.ModelSpecPublisher;
import io.neurostream.app.serde.DecodeResult;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.topology.Topics;
import io.neurostream.app.versions.ModelPublisher;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import io.neurostream.schemas.ModelSpecRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Ask the running application to publish the current weights of a model to the model-versions topic now, "
                + "besides every neurostream.publish.interval.batches steps.",
                "Writes the model's current spec, unchanged, back to the models topic with the header neurostream.publish; the "
                        + "task that trains the model publishes a version (its current step) in the transaction of that record. "
                        + "Like writing the same spec again, this starts a quarantined model afresh.",
                "Exit codes: 0 written, 1 Kafka failure, 2 no such model or a bad setting."})
final class ModelsPublishCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Parameters(index = "0", paramLabel = "NAME", description = "The model's name.")
    String name;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
        return ExitCodes.run(command, this::publish);
    }

    private int publish() throws InterruptedException {
        NeurostreamConfig config = kafka.load();
        kafka.probe(config, command);
        String topic = new Topics(config.string(NeurostreamConfig.TOPIC_PREFIX)).models();
        String json = currentSpec(config, topic);
        if (json == null) {
            throw new IllegalArgumentException("no model " + name + " on topic " + topic + (Presets.exists(name) ? "" : " and no preset of that name"));
        }
        RecordMetadata written = ModelSpecPublisher.publish(config, ModelSpec.parse(json), "neurostream models publish (" + System.getProperty("user.name") + ")",
                List.of(new RecordHeader(ModelPublisher.PUBLISH_HEADER, "now".getBytes(StandardCharsets.UTF_8))));
        command.commandLine().getOut().printf("asked for a version of model %s: request written to topic %s (partition %d, offset %d)%n",
                name, topic, written.partition(), written.offset());
        command.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    /** The newest spec of the model on the models topic (committed records), else its preset's, else null. */
    private String currentSpec(NeurostreamConfig config, String topic) {
        Map<String, Object> settings = new HashMap<>(ClientSettings.consumer(config, "neurostream-models-publish"));
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        byte[] key = name.getBytes(StandardCharsets.UTF_8);
        String json = Presets.exists(name) ? Presets.json(name) : null;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (Arrays.equals(r.key(), key)) {
                        if (r.value() == null) {
                            json = null;
                        } else if (NeurostreamSerdes.modelSpec().decoder().decode(r.value()) instanceof DecodeResult.Decoded<ModelSpecRecord> ok) {
                            json = ok.record().getSpecJson();
                        }
                    }
                }
            }
        }
        return json;
    }
}
