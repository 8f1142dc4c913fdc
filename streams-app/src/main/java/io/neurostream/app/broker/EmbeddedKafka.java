// A one-node Kafka cluster inside this JVM (KRaft, broker and controller combined, on 127.0.0.1), for the
// demo, the standalone `broker` command and integration tests. Only main kafka_2.13 jars: no test jars, no containers.
package io.neurostream.app.broker;

import io.neurostream.app.runtime.Directories;
import io.neurostream.app.runtime.TopicSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Start with {@code EmbeddedKafka.builder().build().start()}; close to shut the broker down and wait for it. */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String TEMP_DIR_PREFIX = "neurostream-kafka-";
    private static final short REPLICATION_FACTOR = 1;
    private static final long ADMIN_TIMEOUT_SECONDS = 30;
    private static final int MAX_PORT = 65_535;

    private final int requestedPort;
    private final int requestedControllerPort;
    private final Path requestedDataDir;
    private final Map<String, String> overrides;

    private KafkaRaftServer server;
    private Admin admin;
    private Path dataDir;
    private String bootstrapServers;

    private EmbeddedKafka(Builder builder) {
        this.requestedPort = builder.port;
        this.requestedControllerPort = builder.controllerPort;
        this.requestedDataDir = builder.dataDir;
        this.overrides = Map.copyOf(builder.overrides);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Formats the data directory if needed and starts the node; returns once the broker serves requests. */
    public synchronized EmbeddedKafka start() {
        if (server != null) {
            throw new IllegalStateException("embedded Kafka is already running at " + bootstrapServers);
        }
        long startedAt = System.nanoTime();
        int[] freePorts = FreePorts.pick(2);
        int port = requestedPort == 0 ? freePorts[0] : requestedPort;
        int controllerPort = requestedControllerPort == 0 ? freePorts[1] : requestedControllerPort;
        dataDir = requestedDataDir == null ? createTempDir() : requestedDataDir;
        try {
            Files.createDirectories(dataDir);
            KafkaConfig config = new KafkaConfig(SingleNodeConfig.build(port, controllerPort, dataDir, overrides), false);
            KraftStorage.formatIfNeeded(dataDir);
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
        } catch (IOException | RuntimeException e) {
            close();
            throw new IllegalStateException("cannot start embedded Kafka on " + SingleNodeConfig.HOST + ":" + port
                + " with data directory " + dataDir + ": " + e.getMessage(), e);
        }
        bootstrapServers = SingleNodeConfig.HOST + ":" + port;
        LOG.info("Kafka started at {} in {} ms (data directory {})",
            bootstrapServers, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt), dataDir);
        return this;
    }

    /** The broker's address for clients' bootstrap.servers, e.g. 127.0.0.1:40123. */
    public synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            throw new IllegalStateException("embedded Kafka is not running: call start() first");
        }
        return bootstrapServers;
    }

    /** The directory holding the node's logs and metadata. */
    public synchronized Path dataDir() {
        if (dataDir == null) {
            throw new IllegalStateException("embedded Kafka has no data directory yet: call start() first");
        }
        return dataDir;
    }

    /** Creates a topic with replication 1; {@code configs} are topic settings such as cleanup.policy. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        createTopics(List.of(new NewTopic(name, partitions, REPLICATION_FACTOR).configs(configs)));
    }

    /** Creates topics and waits until each partition can be written to (see {@link TopicSetup#awaitWritable}). */
    public void createTopics(Collection<NewTopic> topics) {
        List<String> names = topics.stream().map(NewTopic::name).toList();
        try {
            admin().createTopics(topics).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            TopicSetup.awaitWritable(admin(), names);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics " + names + " on " + bootstrapServers + ": "
                + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating topics " + names + " on " + bootstrapServers
                + " took more than " + ADMIN_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + names, e);
        }
    }

    /** Shuts the node down cleanly and waits for it; deletes the data directory if it was a temporary one. */
    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
            LOG.info("Kafka at {} stopped", bootstrapServers);
        }
        bootstrapServers = null;
        if (requestedDataDir == null && dataDir != null) {
            Directories.deleteRecursively(dataDir);
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-admin");
            admin = Admin.create(config);
        }
        return admin;
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory(TEMP_DIR_PREFIX);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary data directory for embedded Kafka", e);
        }
    }

    /** Settings of an {@link EmbeddedKafka}; every one has a default. */
    public static final class Builder {
        private int port;
        private int controllerPort;
        private Path dataDir;
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder() {
        }

        /** Port of the client listener on 127.0.0.1; 0 (the default) picks a free one at each start. */
        public Builder port(int port) {
            this.port = checkedPort("port", port);
            return this;
        }

        /** Port of the controller listener on 127.0.0.1; 0 (the default) picks a free one at each start. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = checkedPort("controllerPort", controllerPort);
            return this;
        }

        /** Where the node keeps its data, kept on close; by default a temporary directory deleted on close. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** A broker setting that wins over the single-node defaults, e.g. auto.create.topics.enable=false. */
        public Builder config(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        public EmbeddedKafka build() {
            return new EmbeddedKafka(this);
        }

        private static int checkedPort(String name, int port) {
            if (port < 0 || port > MAX_PORT) {
                throw new IllegalArgumentException(name + " must be 0 (pick a free port) to " + MAX_PORT + ", got " + port);
            }
            return port;
        }
    }
}
