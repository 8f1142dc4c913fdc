// neurostream's configuration: its own keys (documented, with defaults) plus Kafka settings passed through unchanged.
package io.neurostream.app.config;

import io.neurostream.core.spec.ModelLimits;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Values come from, in priority order: command-line flags, a properties file, defaults. Keys
 * starting with "neurostream." are ours and must be known; every other key (bootstrap.servers,
 * security.protocol, sasl.*, ssl.*, num.stream.threads, ...) goes to Kafka Streams and its
 * clients as is.
 */
public final class NeurostreamConfig {
    public static final String PREFIX = "neurostream.";

    public static final ConfigKey TOPIC_PREFIX = new ConfigKey("neurostream.topic.prefix", "",
            "Prefix of every topic name (samples, labels, predictions, metrics, dead-letters, models, model-versions, drift).");
    public static final ConfigKey TOPIC_PARTITIONS = new ConfigKey("neurostream.topic.partitions", "1",
            "Partitions of the topics neurostream creates when absent; samples and models must have the same count.");
    public static final ConfigKey TOPIC_REPLICATION = new ConfigKey("neurostream.topic.replication.factor", "1",
            "Replication factor of the topics neurostream creates when absent.");
    public static final ConfigKey PRESETS_ENABLED = new ConfigKey("neurostream.models.presets.enabled", "true",
            "A sample whose key names a preset (e.g. mnist-mlp) trains that preset when no spec for it is on the models topic.");
    public static final ConfigKey SNAPSHOT_INTERVAL = new ConfigKey("neurostream.snapshot.interval.batches", "500",
            "Mini-batches between model snapshots; samples since the last snapshot are journaled and replayed on restore.");
    public static final ConfigKey PUBLISH_INTERVAL = new ConfigKey("neurostream.publish.interval.batches", "100",
            "Optimizer steps between the versions of a model's weights written to the model-versions topic (for serve); 0 publishes none.");
    public static final ConfigKey PREDICTION_MAX_DELAY = new ConfigKey("neurostream.prediction.max.delay.ms", "1000",
            "Longest time a labelled sample's prediction waits for its mini-batch to fill before it is emitted on its own.");
    public static final ConfigKey BATCH_MAX_DELAY = new ConfigKey("neurostream.batch.max.delay.ms", "0",
            "A mini-batch still partial this long after its first sample arrived trains as a smaller batch (the decision is journaled); 0 = never, "
                    + "a batch waits to fill.");
    public static final ConfigKey LABELS_MAX_DELAY = new ConfigKey("neurostream.labels.max.delay.ms", "0",
            "Delayed labels: an unlabelled sample is predicted and kept until its label arrives on the labels topic or this much stream time "
                    + "(the largest record timestamp of the model's samples and labels) has passed; 0 = off, unlabelled samples are predicted only.");
    public static final ConfigKey LABELS_MAX_PENDING = new ConfigKey("neurostream.labels.max.pending", "100000",
            "Samples kept waiting for their label per model; beyond this the oldest is evicted and counted as expired.");
    public static final ConfigKey SYNC_MAX_WAIT = new ConfigKey("neurostream.sync.max.wait.ms", "30000",
            "Replicated models: wall-clock time a replica waits for the other replicas' contributions to a round before it writes a close "
                    + "record for the round to the sync topic; the first close decides the round with the contributions that arrived by then.");
    public static final ConfigKey TOP_K = new ConfigKey("neurostream.predictions.top.k", "3",
            "Classes with their probabilities listed in each prediction.");
    public static final ConfigKey METRICS_INTERVAL = new ConfigKey("neurostream.metrics.interval.batches", "1",
            "A TrainingMetrics record is written to the metrics topic every this many mini-batches.");
    public static final ConfigKey METRICS_INTERVAL_MS = new ConfigKey("neurostream.metrics.interval.ms", "10000",
            "A model's counters that changed (predictions, dead letters, batches) with no TrainingMetrics record written for this long get one; "
                    + "0 = only batches write them.");
    public static final ConfigKey FADING_FACTOR = new ConfigKey("neurostream.prequential.fading.factor", "0.999",
            "Fading factor alpha of the prequential loss and accuracy (Gama et al. 2013).");
    public static final ConfigKey WINDOW_SIZE = new ConfigKey("neurostream.prequential.window.size", "1000",
            "Samples in the sliding window of the windowed prequential loss and accuracy.");
    public static final ConfigKey RECORD_MAX_BYTES = new ConfigKey("neurostream.record.max.bytes", "900000",
            "Input values larger than this are dead-lettered as RECORD_TOO_LARGE (and a dead letter keeps at most this much of a value); "
                    + "with room for a dead letter's other fields it must stay below the producer's max.request.size.");
    public static final ConfigKey MODEL_MAX_PARAMETERS = new ConfigKey("neurostream.model.max.parameters", "10000000",
            "A model spec with more parameter values than this is rejected (INVALID_MODEL_SPEC) before anything is allocated.");
    public static final ConfigKey MODEL_MAX_ACTIVATION_BYTES = new ConfigKey("neurostream.model.max.activation.bytes", "268435456",
            "A model spec whose mini-batch needs more bytes of activations and their gradients than this is rejected.");
    public static final ConfigKey MODELS_MAX_LOADED = new ConfigKey("neurostream.models.max.loaded", "64",
            "Models kept in memory per task; the least recently used beyond this is evicted and restored from the store on its next sample.");
    public static final ConfigKey ND4J_THREADS = new ConfigKey("neurostream.nd4j.threads", "1",
            "OpenMP and BLAS threads of ND4J per JVM; 1 suits one stream thread per core.");
    public static final ConfigKey HTTP_HOST = new ConfigKey("neurostream.http.host", "127.0.0.1",
            "Address of the HTTP server for /metrics, /health and the live page; 0.0.0.0 exposes it.");
    public static final ConfigKey HTTP_PORT = new ConfigKey("neurostream.http.port", "9464",
            "Port of the HTTP server; 0 picks a free port, -1 disables the server.");

    public static final List<ConfigKey> KEYS = List.of(TOPIC_PREFIX, TOPIC_PARTITIONS, TOPIC_REPLICATION, PRESETS_ENABLED,
            SNAPSHOT_INTERVAL, PUBLISH_INTERVAL, PREDICTION_MAX_DELAY, BATCH_MAX_DELAY, LABELS_MAX_DELAY, LABELS_MAX_PENDING, SYNC_MAX_WAIT, TOP_K, METRICS_INTERVAL, METRICS_INTERVAL_MS, FADING_FACTOR,
            WINDOW_SIZE, RECORD_MAX_BYTES, MODEL_MAX_PARAMETERS, MODEL_MAX_ACTIVATION_BYTES, MODELS_MAX_LOADED, ND4J_THREADS, HTTP_HOST, HTTP_PORT);

    /** Kafka Streams settings neurostream changes from Kafka's defaults (a file or flag may override them). */
    static final Map<String, String> STREAMS_DEFAULTS = Map.of(
            StreamsConfig.APPLICATION_ID_CONFIG, "neurostream",
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2,
            StreamsConfig.STATE_DIR_CONFIG, "state",
            "processing.exception.handler.global.enabled", "true",
            // Kafka Streams builds a second StreamsConfig from the main consumer's settings (its partition assignor's), which
            // warns on every start unless the setting reaches the consumer too
            StreamsConfig.MAIN_CONSUMER_PREFIX + "processing.exception.handler.global.enabled", "true");

    private final Map<String, String> values;

    private NeurostreamConfig(Map<String, String> values) {
        this.values = values;
    }

    /** Defaults, then the file (if any), then the overrides; unknown "neurostream." keys are an error. */
    public static NeurostreamConfig load(Path file, Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>();
        KEYS.forEach(k -> merged.put(k.name(), k.defaultValue()));
        merged.putAll(STREAMS_DEFAULTS);
        if (file != null) {
            Properties props = new Properties();
            try (Reader in = Files.newBufferedReader(file)) {
                props.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("--config " + file + ": " + e.getMessage(), e);
            }
            props.stringPropertyNames().forEach(k -> merged.put(k, props.getProperty(k).trim()));
        }
        merged.putAll(overrides);
        NeurostreamConfig config = new NeurostreamConfig(merged);
        config.validate();
        return config;
    }

    public static NeurostreamConfig defaults() {
        return load(null, Map.of());
    }

    private void validate() {
        for (String key : values.keySet()) {
            if (key.startsWith(PREFIX) && KEYS.stream().noneMatch(k -> k.name().equals(key))) {
                throw new IllegalArgumentException("unknown configuration key " + key + " (neurostream keys are listed in the README)");
            }
        }
        positive(TOPIC_PARTITIONS);
        positive(TOPIC_REPLICATION);
        positive(SNAPSHOT_INTERVAL);
        if (longValue(PUBLISH_INTERVAL) < 0) {
            throw new IllegalArgumentException(PUBLISH_INTERVAL.name() + " must be >= 0, got " + string(PUBLISH_INTERVAL));
        }
        positive(TOP_K);
        positive(METRICS_INTERVAL);
        positive(WINDOW_SIZE);
        positive(RECORD_MAX_BYTES);
        positive(MODEL_MAX_PARAMETERS);
        positive(MODEL_MAX_ACTIVATION_BYTES);
        positive(MODELS_MAX_LOADED);
        positive(ND4J_THREADS);
        longValue(PREDICTION_MAX_DELAY);
        notNegative(BATCH_MAX_DELAY);
        notNegative(LABELS_MAX_DELAY);
        positive(LABELS_MAX_PENDING);
        notNegative(SYNC_MAX_WAIT);
        notNegative(METRICS_INTERVAL_MS);
        intValue(HTTP_PORT);
        double alpha = doubleValue(FADING_FACTOR);
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException(FADING_FACTOR.name() + " must be in (0, 1), got " + alpha);
        }
        String flag = string(PRESETS_ENABLED);
        if (!flag.equals("true") && !flag.equals("false")) {
            throw new IllegalArgumentException(PRESETS_ENABLED.name() + " must be true or false, got " + flag);
        }
    }

    public String string(ConfigKey key) {
        return values.get(key.name());
    }

    public int intValue(ConfigKey key) {
        return (int) longValue(key);
    }

    public long longValue(ConfigKey key) {
        String v = string(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key.name() + " must be an integer, got \"" + v + "\"");
        }
    }

    public double doubleValue(ConfigKey key) {
        String v = string(key);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key.name() + " must be a number, got \"" + v + "\"");
        }
    }

    public boolean booleanValue(ConfigKey key) {
        return Boolean.parseBoolean(string(key));
    }

    private void positive(ConfigKey key) {
        if (longValue(key) < 1) {
            throw new IllegalArgumentException(key.name() + " must be >= 1, got " + string(key));
        }
    }

    private void notNegative(ConfigKey key) {
        if (longValue(key) < 0) {
            throw new IllegalArgumentException(key.name() + " must be >= 0 (0 turns it off), got " + string(key));
        }
    }

    /** The largest model accepted: {@link #MODEL_MAX_PARAMETERS} and {@link #MODEL_MAX_ACTIVATION_BYTES}. */
    public ModelLimits modelLimits() {
        return new ModelLimits(longValue(MODEL_MAX_PARAMETERS), longValue(MODEL_MAX_ACTIVATION_BYTES));
    }

    /** Everything that is not a neurostream key: the Kafka Streams (and client) properties. */
    public Properties streamsProperties() {
        Properties props = new Properties();
        values.forEach((k, v) -> {
            if (!k.startsWith(PREFIX)) {
                props.put(k, v);
            }
        });
        return props;
    }

    /** A copy with more values set (later wins), validated again. */
    public NeurostreamConfig with(Map<String, String> more) {
        Map<String, String> merged = new LinkedHashMap<>(values);
        merged.putAll(more);
        NeurostreamConfig config = new NeurostreamConfig(merged);
        config.validate();
        return config;
    }
}
