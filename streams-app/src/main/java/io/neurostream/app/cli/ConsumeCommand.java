// `neurostream consume`: a topic's records as JSON lines, decoded with the project's schemas.
package io.neurostream.app.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.neurostream.app.clients.TopicScan;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.runtime.ClientSettings;
import io.neurostream.app.serde.DecodeResult;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.serde.RecordDecoder;
import io.neurostream.app.topology.Topics;
import io.neurostream.app.versions.ModelVersionKeys;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "consume", mixinStandardHelpOptions = true,
        description = {"Print a neurostream topic's records as JSON lines, decoded with the project's Avro schemas: "
                + "{\"key\", \"partition\", \"offset\", \"timestamp\", \"value\"}; a value that does not decode gets \"error\" instead.",
                "Reads committed records only (the app writes in transactions), with no consumer group: nothing is committed."},
        footer = {"",
                "Keys: the model name on samples, models, predictions, metrics and drift; NAME/chunk/I and NAME/manifest on "
                        + "model-versions (--model matches NAME); a dead letter keeps the rejected record's key (null when it had none). Bytes (pixels, a dead letter's key and value) are base64.",
                "",
                "Exit codes: 0 done, 1 Kafka failure, 2 bad flag or setting, 130 interrupted.",
                "",
                "Examples:",
                "  neurostream consume predictions --bootstrap-servers 127.0.0.1:9092 \\",
                "      --from-beginning --limit 3",
                "  neurostream consume metrics --bootstrap-servers 127.0.0.1:9092 \\",
                "      --model my-xor --follow"})
final class ConsumeCommand implements Callable<Integer> {
    static final String CLIENT_ID = "neurostream-consume";
    static final Duration POLL = Duration.ofMillis(200);
    static final long STOP_WAIT_SECONDS = 10;
    /** How long to wait for the topic's metadata. */
    private static final Duration TOPIC_WAIT = Duration.ofSeconds(30);
    private static final List<String> TOPICS = List.of(Topics.SAMPLES, Topics.PREDICTIONS, Topics.METRICS, Topics.DEAD_LETTERS, Topics.MODELS,
            Topics.MODEL_VERSIONS, Topics.DRIFT, Topics.LABELS);

    @Spec
    CommandSpec command;

    @Parameters(index = "0", paramLabel = "TOPIC",
            description = "samples, predictions, metrics, dead-letters, models, model-versions, drift or labels (with neurostream.topic.prefix in front).")
    String topic;

    @Option(names = "--from-beginning",
            description = "Start at each partition's first record and stop at the end the topic had when the command started "
                    + "(unless --follow). Default: only records written from now on, which implies --follow.")
    boolean fromBeginning;

    @Option(names = "--follow", description = "Keep printing records as they arrive, until --limit or Ctrl-C.")
    boolean follow;

    @Option(names = "--limit", paramLabel = "N", description = "Stop after printing N records.")
    Integer limit;

    @Option(names = "--model", paramLabel = "NAME", description = "Only records keyed by this model name.")
    String model;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
        return ExitCodes.run(command, this::consume);
    }

    private int consume() throws InterruptedException {
        if (!TOPICS.contains(topic)) {
            throw new IllegalArgumentException("unknown topic \"" + topic + "\"; topics: " + String.join(", ", TOPICS));
        }
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be >= 1, got " + limit);
        }
        NeurostreamConfig config = kafka.load();
        kafka.probe(config, command);
        String name = config.string(NeurostreamConfig.TOPIC_PREFIX) + topic;
        RecordDecoder<? extends SpecificRecord> decoder = decoder(topic);
        boolean untilEnd = fromBeginning && !follow;
        PrintWriter out = command.commandLine().getOut();
        try (TopicScan scan = new TopicScan(ClientSettings.consumer(config, CLIENT_ID), name);
             StopOnSignal signal = new StopOnSignal("neurostream-consume-stop", STOP_WAIT_SECONDS, scan::wakeup)) {
            if (!scan.start(TOPIC_WAIT, fromBeginning)) {
                throw new IllegalArgumentException("no topic " + name + " on " + config.streamsProperties().getProperty("bootstrap.servers")
                        + " (run, demo, produce and models create create the topics)");
            }
            long printed = 0;
            try {
                while (limit == null || printed < limit) {
                    if (untilEnd && scan.caughtUp()) {
                        break;
                    }
                    for (ConsumerRecord<byte[], byte[]> record : scan.poll(POLL)) {
                        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                        String owner = key != null && topic.equals(Topics.MODEL_VERSIONS) ? ModelVersionKeys.model(record.key()) : key;
                        if (model != null && !model.equals(owner)) {
                            continue;
                        }
                        if (untilEnd && scan.pastEnd(record)) {
                            continue;
                        }
                        out.println(line(key, record, decoder));
                        printed++;
                        if (limit != null && printed >= limit) {
                            break;
                        }
                    }
                    out.flush();
                }
            } catch (WakeupException e) {
                out.flush();
                return signal.signalled() ? ExitCodes.INTERRUPTED : ExitCodes.FAILURE;
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** One record as one JSON line. */
    static String line(String key, ConsumerRecord<byte[], byte[]> record, RecordDecoder<? extends SpecificRecord> decoder) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("key", key);
        node.put("partition", record.partition());
        node.put("offset", record.offset());
        node.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
        if (record.value() == null) {
            node.putNull("value");
        } else {
            DecodeResult<? extends SpecificRecord> decoded = decoder.decode(record.value());
            if (decoded instanceof DecodeResult.Decoded<? extends SpecificRecord> d) {
                node.set("value", RecordJson.of(d.record()));
            } else if (decoded instanceof DecodeResult.Rejected<? extends SpecificRecord> r) {
                node.put("error", r.reason() + ": " + r.message());
            }
        }
        return node.toString();
    }

    /** The decoder of the records on one of the neurostream topics. */
    static RecordDecoder<? extends SpecificRecord> decoder(String topic) {
        return switch (topic) {
            case Topics.SAMPLES -> NeurostreamSerdes.sample().decoder();
            case Topics.PREDICTIONS -> NeurostreamSerdes.prediction().decoder();
            case Topics.METRICS -> NeurostreamSerdes.trainingMetrics().decoder();
            case Topics.DEAD_LETTERS -> NeurostreamSerdes.deadLetter().decoder();
            case Topics.MODELS -> NeurostreamSerdes.modelSpec().decoder();
            case Topics.MODEL_VERSIONS -> NeurostreamSerdes.modelVersion().decoder();
            case Topics.DRIFT -> NeurostreamSerdes.driftEvent().decoder();
            case Topics.LABELS -> NeurostreamSerdes.label().decoder();
            default -> throw new IllegalArgumentException("unknown topic \"" + topic + "\"; topics: " + String.join(", ", TOPICS));
        };
    }
}
