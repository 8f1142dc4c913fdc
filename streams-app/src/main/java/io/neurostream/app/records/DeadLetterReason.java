// Why an input record went to the dead-letter topic: the code written in DeadLetter.reason.
package io.neurostream.app.records;

public enum DeadLetterReason {
    /** The record has no value (null or zero bytes). */
    EMPTY_VALUE,
    /** The record has no key, so it names no model. */
    MISSING_KEY,
    /** The record is larger than the configured maximum size. */
    RECORD_TOO_LARGE,
    /** The key is longer than any model name can be (1,024 bytes). */
    KEY_TOO_LONG,
    /** The value is not Avro single-object encoded: too short, or no C3 01 marker. */
    NOT_AVRO,
    /** The value is Avro, but its schema fingerprint is not a known version of the record's schema. */
    UNKNOWN_SCHEMA,
    /** The schema is known but the bytes do not decode with it: truncated, garbage or bytes left over. */
    CORRUPT_RECORD,
    /** The sample's id is longer than 1,024 characters. */
    ID_TOO_LONG,
    /** The sample has none of pixels, values or tokens. */
    NO_FEATURES,
    /** The sample has more than one of pixels, values or tokens. */
    MULTIPLE_FEATURES,
    /** The sample's shape does not describe its number of feature values (their product differs). */
    SHAPE_MISMATCH,
    /** The number of feature values does not match the model's input size. */
    FEATURE_COUNT_MISMATCH,
    /** The sample has pixels or values for a model that reads tokens, or tokens for one that reads pixels or values. */
    FEATURE_KIND_MISMATCH,
    /** The sample has both a label and a target, or a label for a model that learns from the next tokens. */
    CONFLICTING_LABELS,
    /** A feature or target value is NaN or infinite. */
    NON_FINITE_VALUE,
    /** The label is not a class index of the model (below 0 or at least the number of classes). */
    LABEL_OUT_OF_RANGE,
    /** A token id is outside the model's vocabulary. */
    TOKEN_OUT_OF_RANGE,
    /** The number of regression targets does not match the model's output size. */
    TARGET_SIZE_MISMATCH,
    /** The key names no model known to this application. */
    UNKNOWN_MODEL,
    /** A model spec on the models topic cannot be parsed or built, or is over the model limits. */
    INVALID_MODEL_SPEC,
    /** A chunk of a model's initial weights (models create --init-from, key NAME/init/I) is malformed, or beyond what a model within the limits needs. */
    INVALID_INIT_CHUNK,
    /** The key names a quarantined model: its spec was rejected or its state cannot be restored (the message says which). */
    MODEL_UNAVAILABLE,
    /** A label (labels topic) names a sample id its model has not kept: never seen, already labelled, or labelled on arrival. */
    UNKNOWN_SAMPLE,
    /** A label came for a sample that waited longer than neurostream.labels.max.delay.ms, or was evicted beyond neurostream.labels.max.pending. */
    LABEL_EXPIRED,
    /** A label (labels topic) has neither a label nor a target. */
    LABEL_MISSING,
    /** A replica key NAME#s (a spec, sample or label) names a shard s at or beyond the replicas its model's spec declares. */
    REPLICA_OUT_OF_RANGE
}
