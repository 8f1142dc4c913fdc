// The committed content of a model state store, rebuilt from its changelog topic, and the model snapshot in it.
package io.neurostream.app.it;

import io.neurostream.app.state.Head;
import io.neurostream.app.state.ModelStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Latest value per key (tombstones remove), as Kafka Streams would restore the store. */
final class ChangelogState {
    private final Map<String, byte[]> latest = new HashMap<>();

    static ChangelogState read(String bootstrap, String applicationId) {
        String topic = applicationId + "-" + ModelStore.NAME + "-changelog";
        ChangelogState state = new ChangelogState();
        for (ConsumerRecord<byte[], byte[]> r : KafkaClients.readCommittedToEnd(bootstrap, topic, Duration.ofSeconds(120))) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) {
                state.latest.remove(key);
            } else {
                state.latest.put(key, r.value());
            }
        }
        return state;
    }

    /** The committed value of a store key, or null. */
    byte[] get(String key) {
        return latest.get(key);
    }

    Head head(String model) {
        byte[] b = latest.get(model + "/head");
        return b == null ? null : Head.decode(model, b);
    }

    /** Journal entries after the snapshot: from the head's nextSeq on, those that follow on count too (as on restore). */
    long journalLength(String model) {
        Head head = head(model);
        long seq = head.nextSeq();
        while (ModelStore.journal(latest::get, model, seq, head.journalSlots()) != null) {
            seq++;
        }
        return seq - head.snapshotSeq();
    }

    /** The model's newest snapshot bytes, reassembled from its chunks and checked. */
    byte[] snapshot(String model) {
        return ModelStore.snapshot(latest::get, model, head(model).generation());
    }
}
