// Why a sample cannot be used by a model: a dead-letter reason and a one-line message.
package io.neurostream.app.training;

import io.neurostream.app.records.DeadLetterReason;

public record Rejection(DeadLetterReason reason, String message) {}
