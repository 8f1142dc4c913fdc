// Settings from --config reach every client: the embedded broker with SASL/PLAIN over TLS and ACLs, credentials given
// only as producer./consumer./admin.-prefixed keys (or only as plain keys), and one-line errors without them.
package io.neurostream.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.broker.EmbeddedKafka;
import io.neurostream.app.cli.Main;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.runtime.ClientSettings;
import io.neurostream.app.runtime.NeurostreamApp;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Tag("integration")
class SecureClientsIT {
    private static final String SECRET = "changeit";
    private static final int SAMPLES = 200;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {}

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\" password=\"" + password + "\";";
    }

    /** A self-signed certificate for 127.0.0.1 in a PKCS12 keystore, and a truststore holding it. */
    private void keystores(Path keystore, Path truststore) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Path cert = dir.resolve("broker.crt");
        keytool(keytool, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost",
                "-ext", "SAN=IP:127.0.0.1,DNS:localhost", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", SECRET, "-keypass", SECRET);
        keytool(keytool, "-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", SECRET, "-file", cert.toString());
        keytool(keytool, "-importcert", "-noprompt", "-alias", "broker", "-file", cert.toString(), "-keystore", truststore.toString(),
                "-storetype", "PKCS12", "-storepass", SECRET);
    }

    private static void keytool(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + output);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private Path properties(String name, Map<String, String> settings) throws IOException {
        Path file = dir.resolve(name);
        StringBuilder text = new StringBuilder();
        settings.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Files.writeString(file, text);
        return file;
    }

    @Test
    void shouldReachASaslSslBrokerWithAclsFromEveryClientWithCredentialsAndFailInOneLineWithout() throws Exception {
        Path keystore = dir.resolve("broker.p12");
        Path truststore = dir.resolve("trust.p12");
        keystores(keystore, truststore);
        EmbeddedKafka.Builder broker = EmbeddedKafka.builder().port(freePort())
                // the client listener (named PLAINTEXT by SingleNodeConfig) speaks SASL over TLS; the controller stays internal
                .config("listener.security.protocol.map", "PLAINTEXT:SASL_SSL,CONTROLLER:PLAINTEXT")
                .config("sasl.enabled.mechanisms", "PLAIN")
                .config("sasl.mechanism.inter.broker.protocol", "PLAIN")
                .config("listener.name.plaintext.plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\" user_alice=\"alice-secret\" user_bob=\"bob-secret\";")
                .config("ssl.keystore.location", keystore.toString())
                .config("ssl.keystore.type", "PKCS12")
                .config("ssl.keystore.password", SECRET)
                .config("ssl.key.password", SECRET)
                .config("ssl.truststore.location", truststore.toString())
                .config("ssl.truststore.type", "PKCS12")
                .config("ssl.truststore.password", SECRET)
                .config("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .config("super.users", "User:admin;User:ANONYMOUS"); // ANONYMOUS: the broker on the internal controller listener
        try (EmbeddedKafka kafka = broker.build().start()) {
            String bootstrap = kafka.bootstrapServers();
            Map<String, String> tls = Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN",
                    "ssl.truststore.location", truststore.toString(), "ssl.truststore.type", "PKCS12", "ssl.truststore.password", SECRET);
            grantEverythingToAlice(bootstrap, tls);

            // alice's credentials only under the producer., consumer. and admin. prefixes: each client must get its own
            Map<String, String> prefixed = new java.util.LinkedHashMap<>(tls);
            for (String prefix : List.of("producer.", "consumer.", "admin.")) {
                prefixed.put(prefix + "sasl.jaas.config", jaas("alice", "alice-secret"));
            }
            prefixed.put("neurostream.topic.prefix", "secure-");
            prefixed.put("neurostream.http.port", "-1");
            prefixed.put("state.dir", dir.resolve("state").toString());
            Path aliceFile = properties("alice-prefixed.properties", prefixed);
            Map<String, String> plain = new java.util.LinkedHashMap<>(tls);
            plain.put("sasl.jaas.config", jaas("alice", "alice-secret"));
            plain.put("neurostream.topic.prefix", "secure-");
            Path alicePlainFile = properties("alice-plain.properties", plain);

            Run created = cli("models", "create", "xor", "--name", "xor-secure", "--bootstrap-servers", bootstrap, "--config", aliceFile.toString());
            assertEquals(0, created.exitCode(), created.err());
            Run produced = cli("produce", "--model", "xor-secure", "--synthetic", "xor", "--count", String.valueOf(SAMPLES),
                    "--bootstrap-servers", bootstrap, "--config", aliceFile.toString());
            assertEquals(0, produced.exitCode(), produced.err());
            Run producedPlain = cli("produce", "--model", "xor-secure", "--synthetic", "xor", "--count", String.valueOf(SAMPLES), "--seed", "2",
                    "--bootstrap-servers", bootstrap, "--config", alicePlainFile.toString());
            assertEquals(0, producedPlain.exitCode(), producedPlain.err());

            // what `run` starts: the topic setup's admin client, then Kafka Streams (exactly-once) with alice's prefixed settings
            NeurostreamConfig config = NeurostreamConfig.load(aliceFile, Map.of("bootstrap.servers", bootstrap));
            try (NeurostreamApp app = NeurostreamApp.start(config)) {
                assertEquals(2 * SAMPLES, predictions(config), "every sample predicted");
                assertTrue(!app.stopped().isDone(), "the app runs");
            }

            // without working credentials: one line each, exit 1
            Map<String, String> wrongPassword = new java.util.LinkedHashMap<>(tls);
            wrongPassword.put("sasl.jaas.config", jaas("alice", "not-her-password"));
            assertOneLineFailure("refused the connection: Authentication failed", cli("produce", "--model", "xor-secure", "--synthetic", "xor",
                    "--bootstrap-servers", bootstrap, "--config", properties("wrong.properties", wrongPassword).toString()));
            Map<String, String> noTruststore = Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN", "sasl.jaas.config", jaas("alice", "alice-secret"));
            assertOneLineFailure("refused the connection: SSL handshake failed", cli("models", "create", "xor", "--bootstrap-servers", bootstrap,
                    "--config", properties("no-trust.properties", noTruststore).toString()));
            assertOneLineFailure("did not answer as a Kafka broker within 10 s with security.protocol PLAINTEXT",
                    cli("run", "--bootstrap-servers", bootstrap, "--set", "neurostream.http.port=-1"));
            Map<String, String> bob = new java.util.LinkedHashMap<>(tls);
            bob.put("sasl.jaas.config", jaas("bob", "bob-secret"));
            bob.put("neurostream.topic.prefix", "bob-");
            assertOneLineFailure("cannot create or describe topics on " + bootstrap + ": ", cli("models", "create", "xor", "--bootstrap-servers", bootstrap,
                    "--config", properties("bob.properties", bob).toString()));
        }
    }

    private static void assertOneLineFailure(String expected, Run run) {
        assertEquals(1, run.exitCode(), run.err());
        assertEquals(1, run.err().lines().count(), "one line: " + run.err());
        assertTrue(run.err().contains(expected), run.err());
    }

    private static void grantEverythingToAlice(String bootstrap, Map<String, String> tls) throws Exception {
        Map<String, Object> admin = new java.util.LinkedHashMap<>(tls);
        admin.put("bootstrap.servers", bootstrap);
        admin.put("sasl.jaas.config", jaas("admin", "admin-secret"));
        List<AclBinding> acls = new ArrayList<>();
        AccessControlEntry all = new AccessControlEntry("User:alice", "*", AclOperation.ALL, AclPermissionType.ALLOW);
        for (ResourceType type : List.of(ResourceType.TOPIC, ResourceType.GROUP, ResourceType.TRANSACTIONAL_ID)) {
            acls.add(new AclBinding(new ResourcePattern(type, "*", PatternType.LITERAL), all));
        }
        acls.add(new AclBinding(new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL), all));
        try (Admin client = Admin.create(admin)) {
            client.createAcls(acls).all().get(60, TimeUnit.SECONDS);
        }
    }

    /** Reads the predictions topic with the consumer settings of the config until it stops growing. */
    private static int predictions(NeurostreamConfig config) {
        Map<String, Object> settings = ClientSettings.consumer(config, "it-secure-reader");
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, "it-secure-" + UUID.randomUUID());
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        int count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("secure-predictions"));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (count < 2 * SAMPLES && System.nanoTime() < deadline) {
                count += consumer.poll(Duration.ofMillis(500)).count();
            }
        }
        return count;
    }
}
