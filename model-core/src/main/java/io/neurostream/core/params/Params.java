// All of a network's parameters in one flat buffer with named views; gradients mirror it.
package io.neurostream.core.params;

import io.neurostream.core.rng.Rng;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Trainable parameters (weights and biases) live in {@link #values()}, [P]; their gradients in
 * {@link #gradients()}, [P], at the same offsets, so the codec writes one array and an optimizer
 * loops over them as (value, gradient) chunks ({@link #chunks()}, {@link HostParams}). Non-trained state (BatchNorm running
 * averages) lives in a separate flat buffer {@link #state()}. Each parameter is also reachable as
 * a view shaped as its {@link ParamSpec} says, under its full name ("0.W", "2.forward.b", ...).
 */
public final class Params {
    private final DataType dataType;
    private final List<Entry> entries;
    private final Map<String, Entry> byName = new LinkedHashMap<>();
    private final INDArray values;    // [P]
    private final INDArray gradients; // [P]
    private final INDArray state;     // [S]
    private HostParams chunks;        // per-parameter chunks of values and gradients, built on first use

    /** One parameter's place in a flat buffer. */
    public record Entry(ParamSpec spec, boolean isState, long offset) {}

    public Params(List<ParamSpec> specs, DataType dataType) {
        this.dataType = dataType;
        List<Entry> list = new ArrayList<>();
        long trainable = 0;
        long stateLength = 0;
        for (ParamSpec spec : specs) {
            boolean isState = spec.role() == ParamSpec.Role.STATE;
            Entry e = new Entry(spec, isState, isState ? stateLength : trainable);
            if (isState) {
                stateLength += spec.length();
            } else {
                trainable += spec.length();
            }
            if (byName.put(spec.name(), e) != null) {
                throw new IllegalArgumentException("duplicate parameter name " + spec.name());
            }
            list.add(e);
        }
        this.entries = Collections.unmodifiableList(list);
        this.values = Nd4j.zeros(dataType, Math.max(trainable, 1));
        this.gradients = Nd4j.zeros(dataType, Math.max(trainable, 1));
        this.state = Nd4j.zeros(dataType, Math.max(stateLength, 1));
    }

    public DataType dataType() {
        return dataType;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** Number of trainable values (weights and biases). */
    public long trainableCount() {
        return entries.stream().filter(e -> !e.isState()).mapToLong(e -> e.spec().length()).sum();
    }

    /** Number of non-trained state values (e.g. batch norm's running statistics). */
    public long stateCount() {
        return entries.stream().filter(Entry::isState).mapToLong(e -> e.spec().length()).sum();
    }

    /** Flat trainable values, [P] (one spare element when the network has none). */
    public INDArray values() {
        return values;
    }

    /** Flat gradients, [P], same layout as {@link #values()}. */
    public INDArray gradients() {
        return gradients;
    }

    /** Flat non-trained state, [S]. */
    public INDArray state() {
        return state;
    }

    /** The named parameter (trainable or state), viewed with its own shape; writes go to the flat buffer. */
    public INDArray value(String name) {
        Entry e = entry(name);
        return view(e.isState() ? state : values, e);
    }

    /** The gradient of a trainable parameter, viewed with its own shape. */
    public INDArray gradient(String name) {
        Entry e = entry(name);
        if (e.isState()) {
            throw new IllegalArgumentException("parameter " + name + " is state and has no gradient");
        }
        return view(gradients, e);
    }

    public void zeroGradients() {
        gradients.assign(0);
    }

    /** The trainable values and gradients as one chunk per parameter, for an optimizer; loaded and stored by the caller. */
    public HostParams chunks() {
        if (chunks == null) {
            chunks = HostParams.of(this, false);
        }
        return chunks;
    }

    /** Draws every parameter from its init scheme, in declaration order, from the given generator. */
    public void initialize(Rng rng) {
        for (Entry e : entries) {
            ParamSpec spec = e.spec();
            double[] drawn = new double[Math.toIntExact(spec.length())];
            for (int i = 0; i < drawn.length; i++) {
                drawn[i] = spec.init().draw(rng, spec.fanIn(), spec.fanOut());
            }
            slice(e.isState() ? state : values, e).assign(Nd4j.createFromArray(drawn).castTo(dataType));
        }
    }

    /** Views of this network's parameters for one layer, under a name prefix. */
    public ParamViews viewsFor(String prefix) {
        return new ParamViews(this, prefix);
    }

    private Entry entry(String name) {
        Entry e = byName.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no parameter named " + name + "; known: " + byName.keySet());
        }
        return e;
    }

    private static INDArray slice(INDArray flat, Entry e) {
        return flat.get(NDArrayIndex.interval(e.offset(), e.offset() + e.spec().length()));
    }

    private static INDArray view(INDArray flat, Entry e) {
        return slice(flat, e).reshape('c', e.spec().shape());
    }
}
