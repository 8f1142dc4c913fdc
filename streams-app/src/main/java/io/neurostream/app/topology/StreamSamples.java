// A sample (or a delayed label) of a stream that several models read: each of them, in the order of their names, takes it.
package io.neurostream.app.topology;

import io.neurostream.app.records.DeadLetterReason;
import io.neurostream.app.serde.DecodeResult;
import io.neurostream.app.training.Rejection;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The models of a stream S are the model named S when its source is S, and the models of other names whose source is S
 * ({@link Subscriptions}), taken in the order of their names; one that is quarantined is skipped. The record is read once; each
 * model then takes it as if it were its only model (its own journal, predictions, metrics and prequential figures), so each
 * ends with the model it would have trained alone on the stream. Accounting, per record: every model of the stream counts it
 * once, as trained, predicted only (or pending its label) or dead-lettered; the dead-letters topic gets one record when at least
 * one model did not take it (with the reason of the first that refused it, and the names of those that did), and none
 * otherwise. A record no model can take (no model reads S, or all of S's are quarantined) is dead-lettered as for one model.
 */
final class StreamSamples {
    private StreamSamples() {}

    /**
     * @param read what the record holds (a sample or a label), or why it cannot be read
     * @param what names the record in a message, e.g. "sample ID"
     * @param take gives the record to one model: null if taken, else why not
     */
    static <T> void process(TrainingProcessor processor, String stream, String[] others, Record<byte[], byte[]> record, RecordMetadata source,
                            DecodeResult<T> read, Function<T, String> what, BiFunction<ModelSlot, T, Rejection> take) {
        List<ModelSlot> models = models(processor, stream, others);
        if (read instanceof DecodeResult.Rejected<T> unreadable) {
            refuse(processor, models, record, source, stream, unreadable.reason(), unreadable.message());
            return;
        }
        T value = ((DecodeResult.Decoded<T>) read).record();
        if (models.isEmpty()) {
            processor.deadLetterUnavailable(record, source, stream, what.apply(value));
            return;
        }
        Rejection first = null;
        List<String> refusing = null;
        for (ModelSlot model : models) {
            Rejection invalid = take.apply(model, value);
            if (invalid != null) {
                processor.countDeadLettered(model, invalid.reason());
                if (first == null) {
                    first = invalid;
                    refusing = new ArrayList<>(models.size());
                }
                refusing.add(model.name());
            }
        }
        if (first != null) {
            processor.forwardDeadLetter(record, source, stream, first.reason(), first.message() + refusedBy(stream, refusing));
        }
    }

    /** A record that none of the stream's models can read: each counts it, one dead letter says so. */
    private static void refuse(TrainingProcessor processor, List<ModelSlot> models, Record<byte[], byte[]> record, RecordMetadata source,
                               String stream, DeadLetterReason reason, String message) {
        if (models.isEmpty()) {
            processor.deadLetter(record, source, null, stream, reason, message);
            return;
        }
        List<String> names = new ArrayList<>(models.size());
        for (ModelSlot model : models) {
            processor.countDeadLettered(model, reason);
            names.add(model.name());
        }
        processor.forwardDeadLetter(record, source, stream, reason, message + refusedBy(stream, names));
    }

    private static String refusedBy(String stream, List<String> models) {
        return " (stream " + stream + ": not taken by model" + (models.size() > 1 ? "s " : " ") + String.join(", ", models) + ")";
    }

    /** The models that read the stream and are available, in the order of their names. */
    private static List<ModelSlot> models(TrainingProcessor processor, String stream, String[] others) {
        List<ModelSlot> models = new ArrayList<>(others.length + 1);
        ModelSlot own = processor.reading(stream);
        for (String name : others) {
            if (own != null && stream.compareTo(name) < 0) {
                models.add(own);
                own = null;
            }
            ModelSlot model = processor.load(name);
            if (model != null && model.runtime().network().spec().source().equals(stream)) {
                models.add(model);
            }
        }
        if (own != null) {
            models.add(own);
        }
        return models;
    }
}
