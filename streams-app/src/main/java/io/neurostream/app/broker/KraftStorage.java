// Formats a node's data directory for KRaft (meta.properties and the bootstrap metadata), as
// `kafka-storage.sh format` does, unless it is already formatted: a kept directory keeps its data.
package io.neurostream.app.broker;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class KraftStorage {
    private static final Logger LOG = LoggerFactory.getLogger(KraftStorage.class);
    /** The file that formatting writes into every log directory (node id, cluster id, directory id). */
    static final String META_PROPERTIES = "meta.properties";

    private KraftStorage() {
    }

    /** Formats {@code dataDir}, the node's only log and metadata directory, with a new cluster id unless already formatted. */
    static void formatIfNeeded(Path dataDir) {
        if (isFormatted(dataDir)) {
            LOG.debug("{} is already formatted", dataDir);
            return;
        }
        String directory = dataDir.toAbsolutePath().toString();
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        Formatter formatter = new Formatter()
            .setPrintStream(new PrintStream(report, true, StandardCharsets.UTF_8))
            .setNodeId(SingleNodeConfig.NODE_ID)
            .setClusterId(Uuid.randomUuid().toString())
            .setControllerListenerName(SingleNodeConfig.CONTROLLER_LISTENER)
            .setMetadataLogDirectory(directory)
            .addDirectory(directory);
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka data directory " + dataDir + ": " + e.getMessage(), e);
        }
        LOG.debug("formatting {}: {}", dataDir, report.toString(StandardCharsets.UTF_8).trim());
    }

    /**
     * True when the directory already belongs to a cluster. Formatting it again fails even with
     * setIgnoreFormatted(true): the new cluster id does not match the stored one.
     */
    static boolean isFormatted(Path dataDir) {
        return Files.exists(dataDir.resolve(META_PROPERTIES));
    }
}
