// Named flat state arrays of an optimizer, allocated on first use, with float32 copies on the heap.
package io.neurostream.core.optim;

import io.neurostream.core.params.HostParams;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Holds an optimizer's state arrays ([P] each, zeros when created) under fixed names. A float32
 * optimizer that updates on the heap keeps its state there between steps, as chunks of a
 * {@link HostParams} layout ({@link #host}); {@link #all()} brings the flat arrays up to date for
 * the codec, and {@link #restore} replaces both.
 */
final class FlatState {
    private final List<String> names;
    private final Map<String, INDArray> arrays = new LinkedHashMap<>();
    private final Map<String, float[][]> host = new LinkedHashMap<>();
    private HostParams hostLayout;

    FlatState(String... names) {
        this.names = List.of(names);
    }

    /** The named array, created as zeros like {@code values} when absent. */
    INDArray get(String name, INDArray values) {
        flushHost();
        host.clear();
        return arrays.computeIfAbsent(name, n -> Nd4j.zeros(values.dataType(), values.length()));
    }

    /**
     * The named state as chunks of {@code layout}, loaded from its flat array (zeros when there
     * is none) on first use; the caller may change them in place.
     */
    float[][] host(String name, HostParams layout) {
        if (hostLayout != layout) {
            flushHost();
            host.clear();
            hostLayout = layout;
        }
        return host.computeIfAbsent(name, n -> {
            float[][] chunks = layout.zerosLike();
            INDArray flat = arrays.get(n);
            if (flat != null) {
                layout.load(flat.data().asNioFloat(), chunks);
            }
            return chunks;
        });
    }

    Map<String, INDArray> all() {
        flushHost();
        Map<String, INDArray> ordered = new LinkedHashMap<>();
        for (String n : names) {
            if (arrays.containsKey(n)) {
                ordered.put(n, arrays.get(n));
            }
        }
        return Collections.unmodifiableMap(ordered);
    }

    void restore(String optimizer, String name, INDArray flat) {
        if (!names.contains(name)) {
            throw new IllegalArgumentException(optimizer + " has no state named " + name + "; known: " + names);
        }
        if (flat.rank() != 1) {
            throw new IllegalArgumentException(optimizer + " state " + name + " must be flat, got shape " + Arrays.toString(flat.shape()));
        }
        flushHost(); // the state not restored keeps its latest values
        host.clear();
        arrays.put(name, flat);
    }

    /** Copies the heap chunks into the flat arrays (creating them). */
    private void flushHost() {
        host.forEach((name, chunks) -> {
            INDArray flat = arrays.computeIfAbsent(name, n -> Nd4j.zeros(DataType.FLOAT, Math.max(hostLayout.length(), 1)));
            hostLayout.store(chunks, flat.data().asNioFloat());
        });
    }
}
