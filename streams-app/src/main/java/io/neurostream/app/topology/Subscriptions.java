// Which models read a stream besides the one named like it: kept in the model store, from the specs the task reads, so a restore finds them.
package io.neurostream.app.topology;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A model reads the stream its spec names as {@code source} (default: its own name): the samples keyed by that name. A model
 * whose source is its own name needs no entry (the key names it, as before streams had several models); every other model is
 * listed under its source, in the store under {@code ~subscribers/SOURCE} (model names, sorted, one per line; '~' starts no
 * model name, so the key collides with no model's state). The entries change only when a spec is stored or deleted, in the
 * task's transaction, so they are always those of the specs in the store. All of them are held in memory (one per stream read
 * by a model of another name: bounded by the number of models), so the lookup of a record's key is one hash lookup, and a key
 * no model of another name reads costs nothing else.
 */
final class Subscriptions {
    static final String PREFIX = "~subscribers/";

    private final KeyValueStore<String, byte[]> kv;
    /** Stream name -> the models of other names that read it, sorted by name. */
    private final Map<String, String[]> others = new HashMap<>();

    /** The subscriptions the store holds. */
    Subscriptions(KeyValueStore<String, byte[]> kv) {
        this.kv = kv;
        try (KeyValueIterator<String, byte[]> it = kv.prefixScan(PREFIX, new StringSerializer())) {
            it.forEachRemaining(entry -> others.put(entry.key.substring(PREFIX.length()), decode(entry.value)));
        }
    }

    /** The models of other names that read this stream, sorted by name; null when none (the common case: one model, keyed by its name). */
    String[] others(String stream) {
        return others.get(stream);
    }

    /** The streams read by a model of another name, sorted (for tools and tests). */
    List<String> streams() {
        List<String> streams = new ArrayList<>(others.keySet());
        streams.sort(null);
        return streams;
    }

    /**
     * A model's source changes: from {@code oldSource} (null: it had no spec) to {@code newSource} (null: its spec is deleted).
     * Only sources other than the model's own name are recorded.
     */
    void move(String model, String oldSource, String newSource) {
        if (oldSource != null && !oldSource.equals(model) && !oldSource.equals(newSource)) {
            TreeSet<String> names = current(oldSource);
            names.remove(model);
            put(oldSource, names);
        }
        if (newSource != null && !newSource.equals(model)) {
            TreeSet<String> names = current(newSource);
            if (names.add(model)) {
                put(newSource, names);
            }
        }
    }

    private TreeSet<String> current(String stream) {
        String[] names = others.get(stream);
        return names == null ? new TreeSet<>() : new TreeSet<>(Arrays.asList(names));
    }

    private void put(String stream, TreeSet<String> names) {
        if (names.isEmpty()) {
            others.remove(stream);
            kv.delete(PREFIX + stream);
        } else {
            String[] sorted = names.toArray(String[]::new);
            others.put(stream, sorted);
            kv.put(PREFIX + stream, String.join("\n", sorted).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String[] decode(byte[] value) {
        return new String(value, StandardCharsets.UTF_8).split("\n");
    }
}
