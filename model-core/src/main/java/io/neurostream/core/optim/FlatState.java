// Named state arrays of an optimizer, allocated on first use, as chunks of the parameters' layout and as flat arrays for the codec.
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
 * Holds an optimizer's state ([P] per name, zeros when created) under fixed names. Between steps
 * it lives in chunks of the {@link HostParams} layout the optimizer updates ({@link #floats},
 * {@link #doubles}); {@link #all()} copies it into flat arrays for the codec, and {@link #restore}
 * replaces it from one.
 */
final class FlatState {
    private final List<String> names;
    private final Map<String, INDArray> flat = new LinkedHashMap<>();  // restored or last copied out
    private final Map<String, Object> chunks = new LinkedHashMap<>(); // float[][] or double[][] of layout
    private HostParams layout;

    FlatState(String... names) {
        this.names = List.of(names);
    }

    /** The named float32 state as chunks of {@code p}'s layout (from its flat array, or zeros); the caller may change them in place. */
    float[][] floats(String name, HostParams p) {
        return (float[][]) chunks(name, p);
    }

    /** The same for float64 chunks. */
    double[][] doubles(String name, HostParams p) {
        return (double[][]) chunks(name, p);
    }

    private Object chunks(String name, HostParams p) {
        Object current = chunks.get(name);
        if (current != null && layout == p) {
            return current;
        }
        if (layout != p) {
            copyOut();
            chunks.clear();
            layout = p;
        }
        return chunks.computeIfAbsent(name, n -> {
            INDArray saved = flat.get(n);
            if (p.doubles()) {
                double[][] c = p.zerosLike64();
                if (saved != null) {
                    p.load(saved.data().asNioDouble(), c);
                }
                return c;
            }
            float[][] c = p.zerosLike();
            if (saved != null) {
                p.load(saved.data().asNioFloat(), c);
            }
            return c;
        });
    }

    Map<String, INDArray> all() {
        copyOut();
        Map<String, INDArray> ordered = new LinkedHashMap<>();
        for (String n : names) {
            if (flat.containsKey(n)) {
                ordered.put(n, flat.get(n));
            }
        }
        return Collections.unmodifiableMap(ordered);
    }

    void restore(String optimizer, String name, INDArray array) {
        if (!names.contains(name)) {
            throw new IllegalArgumentException(optimizer + " has no state named " + name + "; known: " + names);
        }
        if (array.rank() != 1) {
            throw new IllegalArgumentException(optimizer + " state " + name + " must be flat, got shape " + Arrays.toString(array.shape()));
        }
        copyOut(); // the state not restored keeps its latest values
        chunks.clear();
        flat.put(name, array);
    }

    /** Copies the chunks into the flat arrays (creating them). */
    private void copyOut() {
        chunks.forEach((name, c) -> {
            INDArray f = flat.computeIfAbsent(name, n -> Nd4j.zeros(layout.doubles() ? DataType.DOUBLE : DataType.FLOAT, Math.max(layout.length(), 1)));
            if (c instanceof double[][] d) {
                layout.store(d, f.data().asNioDouble());
            } else {
                layout.store((float[][]) c, f.data().asNioFloat());
            }
        });
    }
}
