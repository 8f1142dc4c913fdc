// Named flat state arrays of an optimizer, allocated on first use.
package io.neurostream.core.optim;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Holds an optimizer's state arrays ([P] each, zeros when created) under fixed names. */
final class FlatState {
    private final List<String> names;
    private final Map<String, INDArray> arrays = new LinkedHashMap<>();

    FlatState(String... names) {
        this.names = List.of(names);
    }

    /** The named array, created as zeros like {@code values} when absent. */
    INDArray get(String name, INDArray values) {
        return arrays.computeIfAbsent(name, n -> Nd4j.zeros(values.dataType(), values.length()));
    }

    Map<String, INDArray> all() {
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
        arrays.put(name, flat);
    }
}
