// `produce` rides out a broker outage: the broker stops mid-run and comes back; every sample is written exactly once.
package io.neurostream.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.broker.EmbeddedKafka;
import io.neurostream.app.cli.Main;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.schemas.Sample;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Tag("integration")
class ProduceOutageIT {
    private static final int COUNT = 4_000;
    private static final String RATE = "250/s"; // 16 s of sending
    private static final Duration SENDING_BEFORE_STOP = Duration.ofSeconds(4);
    private static final Duration OUTAGE = Duration.ofSeconds(10); // longer than the 5 s after which produce says it waits

    @Test
    void shouldKeepRetryingThroughABrokerRestartAndWriteEverySampleOnce(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        EmbeddedKafka kafka = EmbeddedKafka.builder().port(port).dataDir(dir.resolve("kafka")).build().start();
        try {
            String bootstrap = kafka.bootstrapServers();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CompletableFuture<Integer> produce = CompletableFuture.supplyAsync(() -> {
                CommandLine cli = Main.commandLine();
                cli.setOut(new PrintWriter(out, true));
                cli.setErr(new PrintWriter(err, true));
                return cli.execute("produce", "--bootstrap-servers", bootstrap, "--model", "xor", "--synthetic", "xor",
                        "--count", String.valueOf(COUNT), "--rate", RATE, "--retry-for", "2m");
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!out.toString().contains("producing ") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(SENDING_BEFORE_STOP.toMillis());
            assertTrue(!produce.isDone(), "still producing when the broker stops: " + out + err);

            kafka.close();
            Thread.sleep(OUTAGE.toMillis());
            kafka.start();

            int code = produce.get(3, TimeUnit.MINUTES);
            assertEquals(0, code, out + "\n" + err);
            assertTrue(out.toString().contains("produced " + String.format("%,d", COUNT) + " samples"), out.toString());
            // the first notice comes at the first progress tick after 5 quiet seconds: 5 s, or 6 on a busy machine
            assertTrue(java.util.regex.Pattern.compile("no acknowledgement from the broker at " + java.util.regex.Pattern.quote(bootstrap)
                    + " for [5-9] s").matcher(err.toString()).find(), err.toString());
            assertTrue(err.toString().contains("the broker at " + bootstrap + " answers again after "), err.toString());

            List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.readCommitted(bootstrap, "samples", r -> r.size() >= COUNT,
                    Duration.ofSeconds(2), Duration.ofSeconds(60));
            Set<String> ids = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                Sample sample = NeurostreamSerdes.sample().deserializer().deserialize(record.topic(), record.value());
                assertTrue(ids.add(sample.getId()), "written twice: " + sample.getId());
            }
            assertEquals(COUNT, ids.size(), "every sample written once");
            assertEquals(COUNT, records.size());
        } finally {
            kafka.close();
        }
    }
}
