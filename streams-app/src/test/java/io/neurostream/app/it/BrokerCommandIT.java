// `neurostream broker`: starts, prints an address that takes a produce, stops when asked, and keeps its topics across a restart.
package io.neurostream.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Tag("integration")
class BrokerCommandIT {
    private static final Pattern ADDRESS = Pattern.compile("bootstrap\\.servers=(\\S+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void shouldServeAProduceOnItsPrintedAddressStopAndKeepTopicsAcrossRestart(@TempDir Path dataDir) throws Exception {
        try (RunningBroker broker = RunningBroker.start(dataDir)) {
            StringWriter out = new StringWriter();
            CommandLine produce = new CommandLine(new Main());
            produce.setOut(new PrintWriter(out, true));
            int code = produce.execute("produce", "--bootstrap-servers", broker.address(), "--model", "xor", "--synthetic", "xor", "--count", "20");

            assertEquals(0, code, out.toString());
            List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.readCommitted(broker.address(), "samples",
                    r -> r.size() >= 20, Duration.ofMillis(500), Duration.ofSeconds(60));
            assertEquals(20, records.size());
        }
        assertTrue(Files.exists(dataDir.resolve("meta.properties")), "the data directory is kept");

        try (RunningBroker restarted = RunningBroker.start(dataDir)) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, restarted.address()))) {
                Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                assertTrue(topics.contains("samples"), "topics after restart: " + topics);
            }
        }
    }

    /** `neurostream broker --port 0 --data-dir DIR` on its own thread; close interrupts it, which stops the broker. */
    private record RunningBroker(Thread thread, StringWriter out, AtomicInteger exitCode, String address) implements AutoCloseable {
        static RunningBroker start(Path dataDir) throws InterruptedException {
            StringWriter out = new StringWriter();
            AtomicInteger exitCode = new AtomicInteger(-1);
            CommandLine cli = new CommandLine(new Main());
            cli.setOut(new PrintWriter(out, true));
            Thread thread = new Thread(() -> exitCode.set(cli.execute("broker", "--port", "0", "--data-dir", dataDir.toString())),
                    "broker-command");
            thread.start();
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            Matcher address = ADDRESS.matcher("");
            while (!address.reset(out.toString()).find()) {
                assertTrue(thread.isAlive(), "broker command ended: " + out);
                assertTrue(System.nanoTime() < deadline, "no address printed within " + START_TIMEOUT + ": " + out);
                Thread.sleep(50);
            }
            return new RunningBroker(thread, out, exitCode, address.group(1));
        }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(thread.isAlive(), "the broker command did not stop");
            assertEquals(0, exitCode.get(), out.toString());
            assertTrue(out.toString().contains("Kafka broker stopped"), out.toString());
        }
    }
}
