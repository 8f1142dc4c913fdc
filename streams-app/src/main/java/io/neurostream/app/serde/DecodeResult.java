// What RecordDecoder makes of a value: the record, or why it was rejected.
package io.neurostream.app.serde;

import io.neurostream.app.records.DeadLetterReason;
import java.util.Objects;

public sealed interface DecodeResult<T> {

    /** The value decoded into this record. */
    record Decoded<T>(T record) implements DecodeResult<T> {
        public Decoded {
            Objects.requireNonNull(record, "record");
        }
    }

    /** The value was rejected: a reason code for the dead letter and a one-line message for people. */
    record Rejected<T>(DeadLetterReason reason, String message) implements DecodeResult<T> {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }
}
