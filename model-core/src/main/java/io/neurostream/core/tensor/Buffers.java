// Reusable ND4J arrays for one layer, so a training step allocates nothing once warmed up.
package io.neurostream.core.tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Arrays keyed by a name and a shape. Prediction (often B = 1) and training (B = batch size)
 * alternate in a stream, so a few shapes per name are kept; the least recently created is
 * dropped past {@link #MAX_ENTRIES}. Contents are undefined on return: callers overwrite them.
 */
public final class Buffers {
    private static final int MAX_ENTRIES = 48;

    private final DataType dataType;
    private final Map<Key, INDArray> arrays = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, INDArray> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    public Buffers(DataType dataType) {
        this.dataType = dataType;
    }

    public DataType dataType() {
        return dataType;
    }

    /** A 'c'-ordered array of this network's data type, reused across calls with the same name and shape. */
    public INDArray get(String name, long... shape) {
        return get(name, dataType, shape);
    }

    /** As {@link #get(String, long...)} for another data type (e.g. INT32 indices). */
    public INDArray get(String name, DataType type, long... shape) {
        Key key = new Key(name, type, shape);
        INDArray a = arrays.get(key);
        if (a == null) {
            a = Nd4j.createUninitialized(type, shape.clone(), 'c');
            arrays.put(key, a);
        }
        return a;
    }

    /** As {@link #get(String, long...)}, filled with zeros. */
    public INDArray zeros(String name, long... shape) {
        INDArray a = get(name, shape);
        a.assign(0);
        return a;
    }

    private record Key(String name, DataType type, long[] shape) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && name.equals(k.name) && type == k.type && Arrays.equals(shape, k.shape);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * name.hashCode() + type.hashCode()) + Arrays.hashCode(shape);
        }
    }
}
