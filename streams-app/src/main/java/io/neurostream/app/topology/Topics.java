// The names of neurostream's topics, with the configured prefix.
package io.neurostream.app.topology;

/**
 * samples (input, key = model name), labels (input, key = model name: the labels of samples that
 * arrived without one; same partition count as samples), predictions, metrics, dead-letters (outputs) and models
 * (compacted, ModelSpecRecord per model name). samples and models must have the same number of
 * partitions: the task that trains a model also reads its spec. model-versions (compacted) holds the
 * published weights of every model, all of a model's records in the partition of its name. drift (output) holds
 * the drift detections, keyed by model name. sync (internal, deleted after 7 days) carries the contributions and round closes of
 * replicated models, all of a model's records in the partition of its name.
 */
public record Topics(String prefix) {
    public static final String SAMPLES = "samples";
    public static final String LABELS = "labels";
    public static final String PREDICTIONS = "predictions";
    public static final String METRICS = "metrics";
    public static final String DEAD_LETTERS = "dead-letters";
    public static final String MODELS = "models";
    public static final String MODEL_VERSIONS = "model-versions";
    public static final String DRIFT = "drift";
    public static final String SYNC = "sync";

    public String samples() {
        return prefix + SAMPLES;
    }

    public String labels() {
        return prefix + LABELS;
    }

    public String predictions() {
        return prefix + PREDICTIONS;
    }

    public String metrics() {
        return prefix + METRICS;
    }

    public String deadLetters() {
        return prefix + DEAD_LETTERS;
    }

    public String models() {
        return prefix + MODELS;
    }

    public String modelVersions() {
        return prefix + MODEL_VERSIONS;
    }

    public String drift() {
        return prefix + DRIFT;
    }

    public String sync() {
        return prefix + SYNC;
    }
}
