// `produce` spreads a replicated model's samples and labels by shard; `models create` with replicas, then without, then with another source, then `models delete`, against a real broker: the models
// topic ends with exactly the live keys of the latest placement (the others tombstoned in the same transaction).
package io.neurostream.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.broker.EmbeddedKafka;
import io.neurostream.app.cli.Main;
import io.neurostream.app.records.ReplicaKeys;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.state.InitPayloads;
import io.neurostream.core.net.Network;
import io.neurostream.core.onnx.OnnxExport;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Tag("integration")
class ModelPlacementIT {
    private static final int PARTITIONS = 4;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.builder().build().start();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void eachNewPlacementLeavesExactlyItsOwnKeysLive(@TempDir Path dir) throws Exception {
        String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        int home = ReplicaKeys.defaultPartition("m", PARTITIONS);
        String other = IntStream.range(0, 100).mapToObj(i -> "stream" + i)
                .filter(s -> ReplicaKeys.defaultPartition(s, PARTITIONS) != home).findFirst().orElseThrow();

        String twoReplicas = create(dir, prefix, Map.of("replicas", 2));
        assertTrue(twoReplicas.contains("with 2 replicas (sync every 10 mini-batches): m#0 in partition " + home + ", m#1 in partition "
                + (home + 1) % PARTITIONS), twoReplicas);
        assertLive(prefix, Set.of("m#0@" + home, "m#1@" + (home + 1) % PARTITIONS));
        StringWriter shown = new StringWriter();
        StringWriter shownErr = new StringWriter();
        CommandLine show = new CommandLine(new Main());
        show.setOut(new PrintWriter(shown, true));
        show.setErr(new PrintWriter(shownErr, true));
        assertEquals(0, show.execute("models", "show", "m", "--bootstrap-servers", kafka.bootstrapServers(), "--set", "neurostream.topic.prefix=" + prefix));
        assertEquals(2, ModelSpec.parse(shown.toString()).replication().replicas(), shown.toString());
        assertEquals("# model m: 2 replicas, sync every 10 mini-batches; on topic " + prefix + "models: m#0@" + home + ", m#1@" + (home + 1) % PARTITIONS
                + "\n", shownErr.toString());

        String oneReplica = create(dir, prefix, Map.of());
        assertTrue(oneReplica.startsWith("tombstoned 2 old record(s) of model m the new placement does not reuse: m#0@" + home), oneReplica);
        assertLive(prefix, Set.of("m@" + home));

        create(dir, prefix, Map.of("source", other));
        assertLive(prefix, Set.of("m@" + ReplicaKeys.defaultPartition(other, PARTITIONS)));

        create(dir, prefix, Map.of("replicas", 3));
        assertLive(prefix, Set.of("m#0@" + home, "m#1@" + (home + 1) % PARTITIONS, "m#2@" + (home + 2) % PARTITIONS));

        StringWriter out = new StringWriter();
        assertEquals(0, execute(out, "models", "delete", "m", "--bootstrap-servers", kafka.bootstrapServers(), "--set", "neurostream.topic.prefix=" + prefix),
                out.toString());
        assertTrue(out.toString().startsWith("model m deleted: 3 tombstone(s)"), out.toString());
        assertLive(prefix, Set.of());
        StringWriter again = new StringWriter();
        assertEquals(0, execute(again, "models", "delete", "m", "--bootstrap-servers", kafka.bootstrapServers(), "--set", "neurostream.topic.prefix=" + prefix));
        assertEquals("model m: topic " + prefix + "models holds no record of it; nothing written\n", again.toString());
    }

    @Test
    void initialWeightsAreWrittenOncePerShardAndTombstonedWithTheirSpecKeys(@TempDir Path dir) throws Exception {
        String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        int home = ReplicaKeys.defaultPartition("m", PARTITIONS);
        int next = (home + 1) % PARTITIONS;
        Path onnx = dir.resolve("m.onnx");
        Files.write(onnx, OnnxExport.export(Network.create(Presets.load("xor").with(Map.of("name", "m", "seed", 99)))));

        String out = create(dir, prefix, Map.of("replicas", 2), "--init-from", onnx.toString());
        assertTrue(out.contains("chunk(s) keyed m#s/init/I, once per replica"), out);
        assertLive(prefix, Set.of("m#0@" + home, "m#0/init/0@" + home, "m#1@" + next, "m#1/init/0@" + next));
        for (ConsumerRecord<byte[], byte[]> r : KafkaClients.readCommittedToEnd(kafka.bootstrapServers(), prefix + "models", TIMEOUT)) {
            if (!new String(r.key(), StandardCharsets.UTF_8).contains("/init/")) {
                assertTrue(r.headers().lastHeader(InitPayloads.HEADER) != null, "each spec record names its chunks");
            }
        }

        create(dir, prefix, Map.of("replicas", 2));
        assertLive(prefix, Set.of("m#0@" + home, "m#0/init/0@" + home, "m#1@" + next, "m#1/init/0@" + next),
                "the same placement without weights keeps the chunks");

        create(dir, prefix, Map.of());
        assertLive(prefix, Set.of("m@" + home), "the shard keys go, and their chunks with them");
    }

    @Test
    void produceSpreadsSamplesAndLabelsOverTheReplicasItReadsFromTheSpecOrIsGiven(@TempDir Path dir) throws Exception {
        String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        create(dir, prefix, Map.of("replicas", 2));

        StringWriter out = new StringWriter();
        assertEquals(0, execute(out, "produce", "--model", "m", "--synthetic", "xor", "--count", "100", "--bootstrap-servers", kafka.bootstrapServers(),
                "--set", "neurostream.topic.prefix=" + prefix), out.toString());
        assertTrue(out.toString().contains("(keys m#0..m#1 by the shard of each id)"), out.toString());
        assertSpread(KafkaClients.readCommittedToEnd(kafka.bootstrapServers(), prefix + "samples", TIMEOUT), "m", 2, 100,
                bytes -> NeurostreamSerdes.sample().deserializer().deserialize(prefix + "samples", bytes).getId());

        assertEquals(0, execute(out, "produce", "--model", "m", "--synthetic", "xor", "--count", "100", "--labels-only",
                "--bootstrap-servers", kafka.bootstrapServers(), "--set", "neurostream.topic.prefix=" + prefix), out.toString());
        assertSpread(KafkaClients.readCommittedToEnd(kafka.bootstrapServers(), prefix + "labels", TIMEOUT), "m", 2, 100,
                bytes -> NeurostreamSerdes.label().deserializer().deserialize(prefix + "labels", bytes).getId());

        String topic = prefix + "given";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
        assertEquals(0, execute(out, "produce", "--model", "n", "--replicas", "3", "--synthetic", "xor", "--count", "100", "--topic", topic,
                "--bootstrap-servers", kafka.bootstrapServers(), "--set", "neurostream.topic.prefix=" + prefix), out.toString());
        assertSpread(KafkaClients.readCommittedToEnd(kafka.bootstrapServers(), topic, TIMEOUT), "n", 3, 100,
                bytes -> NeurostreamSerdes.sample().deserializer().deserialize(topic, bytes).getId());
    }

    /** Every record keyed MODEL#shardOf(id) in partition (p(MODEL) + shard) mod P, every shard used. */
    private static void assertSpread(List<ConsumerRecord<byte[], byte[]>> records, String model, int replicas, int count,
                                     Function<byte[], String> idOf) {
        assertEquals(count, records.size());
        Set<String> keys = new TreeSet<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            assertEquals(ReplicaKeys.key(model, ReplicaKeys.shardOf(idOf.apply(r.value()), replicas)), key);
            assertEquals(ReplicaKeys.partition(key, PARTITIONS), r.partition(), key);
            keys.add(key);
        }
        assertEquals(replicas, keys.size(), "every shard gets records: " + keys);
    }

    @Test
    void moreReplicasThanPartitionsIsRefusedInOneLineAndWritesNothing(@TempDir Path dir) throws Exception {
        String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Path spec = dir.resolve("m.json");
        Files.writeString(spec, Presets.load("xor").with(Map.of("name", "m", "replicas", 5)).json());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int code = cli.execute("models", "create", spec.toString(), "--bootstrap-servers", kafka.bootstrapServers(),
                "--set", "neurostream.topic.prefix=" + prefix, "--set", "neurostream.topic.partitions=" + PARTITIONS);

        assertEquals(2, code, err.toString());
        assertEquals("neurostream models create: model m has 5 replicas but topic " + prefix + "samples has only 4 partition(s): give the topic "
                + "at least 5 partitions (neurostream.topic.partitions, or kafka-topics --alter) or the spec fewer replicas\n", err.toString());
        assertLive(prefix, Set.of());
    }

    private static String create(Path dir, String prefix, Map<String, Object> fields, String... more) throws Exception {
        Path spec = dir.resolve("m.json");
        Files.writeString(spec, Presets.load("xor").with(Map.of("name", "m")).with(fields).json());
        StringWriter out = new StringWriter();
        List<String> args = new ArrayList<>(List.of("models", "create", spec.toString(), "--bootstrap-servers", kafka.bootstrapServers(),
                "--set", "neurostream.topic.prefix=" + prefix, "--set", "neurostream.topic.partitions=" + PARTITIONS));
        args.addAll(List.of(more));
        int code = execute(out, args.toArray(String[]::new));
        assertEquals(0, code, out.toString());
        return out.toString();
    }

    /**
     * Waits until the live keys of the models topic are these (a transaction's commit returns before its markers reach the
     * partitions, so a read_committed reader may see its records a moment later), else fails with the last ones read.
     */
    private static void assertLive(String prefix, Set<String> expected, String... message) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Set<String> live = live(prefix);
        while (!live.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            live = live(prefix);
        }
        assertEquals(expected, live, String.join(" ", message));
    }

    /** The keys of the models topic whose newest record, in their partition, is not a tombstone: "KEY@PARTITION". */
    private static Set<String> live(String prefix) {
        Map<String, byte[]> newest = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaClients.readCommittedToEnd(kafka.bootstrapServers(), prefix + "models", TIMEOUT)) {
            newest.put(new String(r.key(), StandardCharsets.UTF_8) + "@" + r.partition(), r.value());
        }
        Set<String> live = new TreeSet<>();
        newest.forEach((k, v) -> {
            if (v != null) {
                live.add(k);
            }
        });
        return live;
    }

    private static int execute(StringWriter out, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out, true));
        return cli.execute(args);
    }
}
