// The shared machinery of recurrent layers: the input projection, the time loop in either direction, and back-propagation through time.
package io.neurostream.core.layers;

import io.neurostream.core.params.Init;
import io.neurostream.core.params.ParamSpec;
import io.neurostream.core.params.ParamViews;
import io.neurostream.core.tensor.Gemm;
import io.neurostream.core.tensor.HostCopy;
import io.neurostream.core.tensor.Shape;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BiasAdd;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A recurrent layer reads [B, T, D] and returns every step's hidden state [B, T, H]
 * (sequence-to-sequence) or only the last one [B, H] (sequence-to-one). Each step computes G
 * blocks of H pre-activations z_t = x_t Wx + h_{t-1} Wh + b (G = 1 for a simple RNN, 4 for an
 * LSTM); the input part of every step is one GEMM over all B*T rows before the loop.
 *
 * <p>Layout: arrays are kept time-major, [T*B, ...], so the B rows of one step are contiguous
 * and a step writes straight into them. Hidden (and cell) states live in [(T+1)*B, H] arrays
 * whose extra block is the zero initial state: block 0 for a forward layer (state t+1 is h_t),
 * block T for a reversed one (state t is h_t, the loop runs from t = T-1 down to 0). A reversed
 * layer is the backward half of a {@link Bidirectional}; its "last" step is t = 0.
 *
 * <p>Back-propagation through time runs the loop in the opposite order, carrying dL/dh (and
 * dL/dc) from step to step; the parameter gradients are then three GEMMs over all steps at once.
 * With a truncation length k > 0 the carried gradient is cut every k steps (counted in processing
 * order): the forward pass still runs over the whole sequence, but no gradient flows further back
 * than the start of a step's chunk (truncated BPTT, Williams and Peng 1990, with k1 = k2 = k).
 *
 * <p>Per batch size the layer keeps one {@link Workspace}; once warmed up a step allocates no
 * ND4J buffers (views of the workspace arrays are made once).
 */
public abstract class Recurrent implements Layer {
    private static final int MAX_WORKSPACES = 4;
    private static final Logger LOG = LoggerFactory.getLogger(Recurrent.class);
    private static final AtomicBoolean FALLBACK_NOTED = new AtomicBoolean();

    protected final int inputSize; // D
    protected final int units;     // H
    protected final int steps;     // T
    private final int gates;       // G
    private final boolean returnSequences;
    private final boolean reverse;
    private final int truncation;
    private final Init init;
    protected final DataType dataType;
    private final Map<Long, Workspace> workspaces = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Workspace> eldest) {
            return size() > MAX_WORKSPACES;
        }
    };
    protected INDArray wInput;   // [D, G*H]
    protected INDArray wHidden;  // [H, G*H]
    private INDArray bias;       // [G*H]
    private INDArray dWInput;    // [D, G*H]
    private INDArray dWHidden;   // [H, G*H]
    private INDArray dBias;      // [G*H]
    private Workspace last;      // the workspace of the last forward pass
    private Gemm.Operand hiddenRows;    // float32 host cells: Wh [H, G*H] as of the last forward pass, on the heap
    private Gemm.Operand hiddenColumns; // and its transpose [G*H, H], for backward's dL/dh_{t-1} = dL/dz_t Whᵀ
    private INDArray dHiddenArray;   // float32 host cells: dL/dWh of a batch [H, G*H], added to the gradient
    private float[] dHiddenRows;     // its values on the heap
    private OneHot tokenSource;   // the one-hot layer below, whose tokens a float32 host cell reads (else null)
    private INDArray rowsArray;      // float32 host cells with tokens: [D, G*H] (a whole array), Wx + b, then dL/dWx in backward
    private float[] inputRows;       // its values on the heap
    private float[][] dInputRows;    // dL/dWx on the heap, a [G*H] array per row of Wx
    private boolean vectorCell = Gemm.VECTOR; // float32 host cells: the cell's Vector API variant (else its loops over gate arrays)

    protected Recurrent(int steps, int inputSize, int units, int gates, boolean returnSequences, boolean reverse,
                        int truncation, Init init, DataType dataType) {
        if (truncation < 0) {
            throw new IllegalArgumentException("truncation must be >= 0, got " + truncation);
        }
        this.steps = steps;
        this.inputSize = inputSize;
        this.units = units;
        this.gates = gates;
        this.returnSequences = returnSequences;
        this.reverse = reverse;
        this.truncation = truncation;
        this.init = init;
        this.dataType = dataType;
    }

    /** The runtime name, e.g. "lstm". */
    protected abstract String kind();

    /** Whether the cell carries a second state c (the LSTM's cell state). */
    protected abstract boolean hasCellState();

    /**
     * One step forward. {@code z} [B, G*H] holds the pre-activations on entry; the cell may keep
     * its activations there (they are what backward reads). Writes h_t into {@code h} [B, H] and,
     * with a cell state, c_t into {@code c} from {@code cPrev}.
     */
    protected abstract void stepForward(Workspace w, int t, INDArray z, INDArray cPrev, INDArray c, INDArray h);

    /**
     * One step backward: from dL/dh_t ({@code dh}, may be overwritten) and, with a cell state,
     * dL/dc_t coming from later steps ({@code dcNext} on entry), writes dL/dz_t into {@code dz}
     * [B, G*H] and dL/dc_{t-1} into {@code dcNext}; {@code g} holds the backward scratch arrays.
     */
    protected abstract void stepBackward(Workspace w, Gradients g, int t, INDArray dh, INDArray dcNext, INDArray dz);

    @Override
    public String describe() {
        return kind() + "(" + inputSize + "->" + units + (reverse ? ", reversed" : "") + (returnSequences ? ", sequences" : "")
                + (truncation > 0 ? ", truncation " + truncation : "") + ")";
    }

    @Override
    public Shape outputShape() {
        return returnSequences ? Shape.of(steps, units) : Shape.of(units);
    }

    /**
     * Per sample, at most: z and dL/dz [T, G*H] in ND4J arrays, on the heap and (the loops' cell) as
     * gate arrays; states, cells, tanh(c), the output and dL/dh [T+1, H] in both homes; the input, its
     * time-major copy and gradient [T, D]; the tokens and the ones of the bias sums; a step's [H] and
     * [G*H] scratch rows. Exact arithmetic: a spec so large that the count overflows is an ArithmeticException, which
     * ModelFootprint reports as a spec error of this layer.
     */
    @Override
    public long workspaceValues() {
        long width = (long) gates * units;
        long perStep = Math.addExact(5 * width, 8L * units + 3L * inputSize + 2);
        return Math.addExact(Math.multiplyExact(steps, perStep), 20L * units + 2 * width);
    }

    @Override
    public List<ParamSpec> params() {
        int width = gates * units;
        return List.of(ParamSpec.weight("Wx", init, inputSize, units, inputSize, width),
                ParamSpec.weight("Wh", init, units, units, units, width),
                ParamSpec.bias("b", width));
    }

    @Override
    public void bind(ParamViews views) {
        wInput = views.value("Wx");
        wHidden = views.value("Wh");
        bias = views.value("b");
        dWInput = views.gradient("Wx");
        dWHidden = views.gradient("Wh");
        dBias = views.gradient("b");
    }

    /** The bias of gate block k (columns k*H..(k+1)*H), [H], for cells that initialise a gate's bias. */
    protected INDArray gateBias(int k) {
        return bias.get(NDArrayIndex.interval((long) k * units, (long) (k + 1) * units));
    }

    /**
     * Reads the tokens of {@code source}, the one-hot layer right below: when the input of a
     * float32 host cell is that layer's last output, x_t Wx + b is a row of Wx + b per sample
     * (gathered by {@link #putInputRows}), and dL/dWx a sum of dL/dz rows ({@link #gradientRowFor}).
     */
    void readTokensFrom(OneHot source) {
        tokenSource = source;
    }

    @Override
    public INDArray forward(INDArray input, Pass pass) {
        int batch = Math.toIntExact(input.size(0));
        Workspace w = workspaces.computeIfAbsent((long) batch, b -> new Workspace(batch));
        last = w;
        int[] tokens = w.host && tokenSource != null ? tokenSource.tokensOf(input) : null;
        w.gathered = tokens != null;
        if (w.gathered) {
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < steps; t++) {
                    w.tokens[t * batch + b] = tokens[b * steps + t]; // time-major
                }
            }
            loadInputRows();
        } else {
            // x, time-major: [T, B, D] as [T*B, D]
            w.input.reshape('c', steps, batch, inputSize).assign(input.permute(1, 0, 2));
            Nd4j.gemm(w.input, wInput, w.z, false, false, 1.0, 0.0); // [T*B, G*H]
            Nd4j.exec(new BiasAdd(w.z, bias, w.z, false));
            if (w.host) {
                w.z.data().asNioFloat().get(0, w.zHeap);
            }
        }
        if (w.host) {
            loadHiddenWeights();
        }
        int width = gates * units;
        for (int s = 0; s < steps; s++) {
            int t = timeOf(s);
            if (w.host) {
                // float32: the per-step product on the heap (tensor/Gemm), where the cell reads z_t and writes h_t
                if (w.gathered) {
                    putInputRows(w, t);
                }
                Gemm.multiply(batch, width, units, w.statesHeap, (t + w.firstPrev) * batch * units, units, 1, hiddenRows, width,
                        w.zHeap, t * batch * width, width, true);
            } else {
                Nd4j.gemm(w.hPrev[t], wHidden, w.zStep[t], false, false, 1.0, 1.0);
            }
            stepForward(w, t, w.zStep[t], hasCellState() ? w.cPrev[t] : null, hasCellState() ? w.c[t] : null, w.h[t]);
        }
        if (!returnSequences) {
            int t = timeOf(steps - 1);
            if (w.host) {
                w.states.data().asNioFloat().put((t + w.firstH) * batch * units, w.statesHeap, (t + w.firstH) * batch * units, batch * units);
            }
            return w.h[t]; // [B, H]
        }
        if (w.outHeap != null) {
            w.out.data().asNioFloat().put(0, w.outHeap); // written [B, T, H] by the cell, step by step
        } else {
            w.out.assign(w.hAll.reshape('c', steps, batch, units).permute(1, 0, 2));
        }
        return w.out; // [B, T, H]
    }

    @Override
    public INDArray backward(INDArray dOut, boolean needInputGradient) {
        Workspace w = last;
        Gradients g = w.gradients();
        int batch = w.batch;
        boolean host = w.host;
        if (returnSequences && host) {
            // dL/dh from the layer above onto the heap as it comes, [B, T, H]: the cell reads sample b's step t
            g.dOutBatch.assign(dOut);
            g.dOutBatchNative.get(0, g.dOutHeap);
        } else if (returnSequences) {
            // dL/dh from the layer above, time-major: [T*B, H]
            g.dOutTime.reshape('c', steps, batch, units).assign(dOut.permute(1, 0, 2));
        }
        if (host && !returnSequences) {
            HostCopy.read(dOut, g.dhNextHeap); // the cell reads dL/dh_t as dhNext (+ dOut_t with sequences)
        } else {
            zeroHiddenGradient(g);
        }
        zeroCellGradient(g);
        if (host) {
            Arrays.fill(g.dBiasHeap, 0f);
            transposeHiddenWeights();
        }
        if (w.gathered) {
            for (float[] row : dInputRows) {
                Arrays.fill(row, 0f);
            }
        }
        for (int s = steps - 1; s >= 0; s--) {
            int t = timeOf(s);
            if (host) {
                // the cell's loop adds dL/dh_t from above and from step t+1 itself
            } else if (returnSequences) {
                Nd4j.exec(new AddOp(g.dOutStep[t], g.dhNext, g.dh));
            } else if (s == steps - 1) {
                g.dh.assign(dOut);
            } else {
                g.dh.assign(g.dhNext);
            }
            stepBackward(w, g, t, g.dh, g.dcNext, g.dzStep[t]);
            boolean cut = s == 0 || (truncation > 0 && s % truncation == 0);
            if (cut) {
                zeroHiddenGradient(g);
                zeroCellGradient(g);
            } else if (host) {
                int width = gates * units;
                Gemm.multiply(batch, units, width, g.dzHeap, t * batch * width, width, 1, hiddenColumns, units, g.dhNextHeap, 0, units,
                        false); // dL/dh_{t-1} [B, H]
            } else {
                Nd4j.gemm(g.dzStep[t], wHidden, g.dhNext, false, true, 1.0, 0.0); // dL/dh_{t-1} [B, H]
            }
        }
        if (host && (!w.gathered || needInputGradient)) {
            g.dz.data().asNioFloat().put(0, g.dzHeap); // for the ND4J products below
        }
        if (w.gathered) {
            FloatBuffer rows = rowsArray.data().asNioFloat();
            for (int v = 0; v < inputSize; v++) {
                rows.put(v * gates * units, dInputRows[v], 0, gates * units);
            }
            dWInput.addi(rowsArray);
        } else {
            Nd4j.gemm(w.input, g.dz, dWInput, true, false, 1.0, 1.0);  // [D, G*H]
        }
        if (host) {
            addHiddenGradient(w, g);
        } else {
            Nd4j.gemm(w.hPrevAll, g.dz, dWHidden, true, false, 1.0, 1.0);  // [H, G*H]
        }
        if (w.gathered) {
            // every row of dL/dz went to one row of dL/dWx: the column sums of dL/dWx are dL/db's
            float[] db = g.dBiasHeap;
            for (float[] row : dInputRows) {
                for (int k = 0; k < db.length; k++) {
                    db[k] += row[k];
                }
            }
        }
        if (host) {
            g.dBiasSum.data().asNioFloat().put(0, g.dBiasHeap); // summed by the cell, step by step, or just above
        } else {
            Nd4j.gemm(g.ones, g.dz, g.dBiasSum, false, false, 1.0, 0.0);  // column sums [1, G*H]
        }
        dBias.addi(g.dBiasSum.reshape(gates * units));
        if (!needInputGradient) {
            return null;
        }
        Nd4j.gemm(g.dz, wInput, g.dInTime, false, true, 1.0, 0.0);     // [T*B, D]
        g.dIn.assign(g.dInTime.reshape('c', steps, batch, inputSize).permute(1, 0, 2));
        return g.dIn; // [B, T, D]
    }

    /** The float32 cell's loops over gate arrays instead of its Vector API variant (the two give the same bits; for tests). */
    void useLoopCell() {
        vectorCell = false;
    }

    /** Whether the last forward pass read its one-hot input's tokens (a gather) instead of multiplying it. */
    boolean lastForwardReadTokens() {
        return last != null && last.gathered;
    }

    /** Wx + b onto the heap, for the gather of a forward pass on tokens. */
    private void loadInputRows() {
        int width = gates * units;
        if (rowsArray == null) {
            rowsArray = zeros(inputSize, width);
            inputRows = new float[inputSize * width];
            dInputRows = new float[inputSize][width];
        }
        rowsArray.assign(wInput).addiRowVector(bias);
        rowsArray.data().asNioFloat().get(0, inputRows);
    }

    /**
     * z_t = the rows of Wx + b of step t's tokens, which the step's product then adds h_{t-1} Wh to
     * (a forward pass on tokens; step by step, so that the rows are in cache when the product reads them).
     */
    private void putInputRows(Workspace w, int t) {
        int width = gates * units;
        for (int r = t * w.batch; r < (t + 1) * w.batch; r++) {
            System.arraycopy(inputRows, w.tokens[r] * width, w.zHeap, r * width, width);
        }
    }

    /**
     * Where the float32 cells add sample b's dL/dz_t row: dL/dWx's row of its token (a forward pass on
     * tokens; dL/db is then the column sums of dL/dWx, once after the loop), else dL/db.
     */
    float[] gradientRowFor(Workspace w, Gradients g, int t, int b) {
        return w.gathered ? dInputRows[w.tokens[t * w.batch + b]] : g.dBiasHeap;
    }

    /** dL/dh carried from step to step = 0 (before the last step without sequences from above, and at a truncation cut). */
    private void zeroHiddenGradient(Gradients g) {
        if (g.dhNextHeap != null) {
            Arrays.fill(g.dhNextHeap, 0f);
        } else {
            g.dhNext.assign(0);
        }
    }

    /** dL/dc carried from step to step = 0 (before the last step and at a truncation cut). */
    private void zeroCellGradient(Gradients g) {
        if (g.dcNextHeap != null) {
            Arrays.fill(g.dcNextHeap, 0f);
        } else if (hasCellState()) {
            g.dcNext.assign(0);
        }
    }

    /** float32 host cells: Wh onto the heap, for the per-step products of a forward pass (and, transposed, of its backward). */
    private void loadHiddenWeights() {
        if (hiddenRows == null) {
            hiddenRows = new Gemm.Operand(units * gates * units);
        }
        HostCopy.read(wHidden, hiddenRows.values());
        hiddenRows.changed();
    }

    /**
     * float32 host cells: Whᵀ from the forward pass's copy of Wh, for backward's dL/dh_{t-1} = dL/dz_t Whᵀ; only in
     * backward, so that a forward pass that only predicts does not transpose.
     */
    private void transposeHiddenWeights() {
        int width = gates * units;
        if (hiddenColumns == null) {
            hiddenColumns = new Gemm.Operand(width * units);
        }
        float[] rows = hiddenRows.values();
        float[] columns = hiddenColumns.values();
        for (int r = 0; r < units; r++) {
            for (int k = 0; k < width; k++) {
                columns[k * units + r] = rows[r * width + k];
            }
        }
        hiddenColumns.changed();
    }

    /** float32 host cells: dL/dWh += Σ_t h_{t-1}ᵀ dL/dz_t, one product over every step's rows. */
    private void addHiddenGradient(Workspace w, Gradients g) {
        int width = gates * units;
        if (dHiddenArray == null) {
            dHiddenArray = zeros(units, width);
            dHiddenRows = new float[units * width];
        }
        Gemm.multiply(units, width, steps * w.batch, w.statesHeap, w.firstPrev * w.batch * units, 1, units, g.dzHeap, 0, width,
                dHiddenRows, 0, width, false);
        dHiddenArray.data().asNioFloat().put(0, dHiddenRows);
        dWHidden.addi(dHiddenArray);
    }

    /** Whether the output is every step's h (else the last step's). */
    protected boolean returnsSequences() {
        return returnSequences;
    }

    /** The time index of processing step s. */
    private int timeOf(int s) {
        return reverse ? steps - 1 - s : s;
    }

    /**
     * The forward arrays of one batch size; the per-step arrays are views made once. The backward
     * arrays ({@link Gradients}) come with the first backward pass, so a batch size that is only
     * predicted (B = 1 in a stream, a large evaluation batch) never allocates them.
     */
    protected final class Workspace {
        final int batch;
        final INDArray input;     // x time-major [T*B, D]
        final INDArray z;         // pre-activations, then the cell's activations [T*B, G*H]
        final INDArray[] zStep;   // per step t: [B, G*H] rows of z
        final INDArray states;    // hidden states with the zero initial state [(T+1)*B, H]
        final INDArray hAll;      // h_t for t = 0..T-1, time-major [T*B, H] (view of states)
        final INDArray hPrevAll;  // h_{t-1} (reversed: h_{t+1}) for every t [T*B, H] (view of states)
        final INDArray[] h;       // per step t: h_t [B, H]
        final INDArray[] hPrev;   // per step t: the state it reads [B, H]
        final INDArray cells;     // cell states, laid out as states (null without a cell state or with the heap arrays)
        final INDArray[] c;       // per step t: c_t [B, H]
        final INDArray[] cPrev;   // per step t: the cell state it reads [B, H]
        final INDArray out;       // [B, T, H] (sequence output)
        final INDArray scratch;   // [B, H], for the cell
        final int firstH;         // the state block of h_0 (1 forward, 0 reversed)
        final int firstPrev;      // the state block that step 0 reads
        /** With G > 1: per step t and gate k the [B, H] columns k*H..(k+1)*H of z. */
        final INDArray[][] zGate;
        /** With G > 1: per step t the first (G-1)*H columns of z (the LSTM's sigmoid gates). */
        final INDArray[] zHead;
        /**
         * float32 with a cell state: the per-step products (tensor/Gemm) and the cell compute on heap
         * arrays, the cell with the Vector API (Lstm.VectorCell) or in loops that C2 vectorizes
         * (loops over the direct buffers of ND4J arrays it does not). The rest is null without.
         */
        final boolean host;
        final boolean vectorCell; // host, with the cell's Vector API variant: no gate arrays, the cell works on z's rows
        /**
         * The loops' cell only: the activations of each gate k at step t, [B*H] each ([T][G]), copied in
         * from {@link #zHeap} step by step after the product. Both cells: the cell states [B*H], one array
         * per block of {@link #states}; tanh(c_t) [B*H] per step, kept for backward. The loops' cell: the
         * [B*H] h_t of a step, copied out to {@link #statesHeap}.
         */
        final float[][][] gateHeap;
        final float[][] cellHeap;
        final float[][] tanhCHeap;
        final float[] hHeap;
        final float[] outHeap;          // host cells with sequences: the output [B, T, H], each h_t written into it
        final float[] zHeap;            // z on the heap [T*B, G*H]: the input part, then + h_{t-1} Wh step by step
        final float[] statesHeap;       // states on the heap [(T+1)*B, H], laid out as states
        final int[] tokens;             // host cells: the tokens of a forward pass on tokens, time-major [T*B]
        boolean gathered;               // whether the last forward pass read tokens (and left input unused)
        private Gradients gradients;

        Workspace(int batch) {
            this.batch = batch;
            int width = gates * units;
            input = zeros(steps * batch, inputSize);
            z = zeros(steps * batch, width);
            states = zeros((steps + 1) * batch, units);
            firstH = reverse ? 0 : 1;
            firstPrev = reverse ? 1 : 0;
            hAll = rows(states, firstH * batch, steps * batch);
            hPrevAll = rows(states, firstPrev * batch, steps * batch);
            zStep = new INDArray[steps];
            h = new INDArray[steps];
            hPrev = new INDArray[steps];
            host = dataType == DataType.FLOAT && hasCellState();
            cells = hasCellState() && !host ? zeros((steps + 1) * batch, units) : null;
            c = new INDArray[steps];
            cPrev = new INDArray[steps];
            for (int t = 0; t < steps; t++) {
                zStep[t] = rows(z, t * batch, batch);
                h[t] = rows(states, (t + firstH) * batch, batch);
                hPrev[t] = rows(states, (t + firstPrev) * batch, batch);
                if (cells != null) {
                    c[t] = rows(cells, (t + firstH) * batch, batch);
                    cPrev[t] = rows(cells, (t + firstPrev) * batch, batch);
                }
            }
            out = returnSequences ? zeros(batch, steps, units) : null;
            scratch = zeros(batch, units);
            zGate = new INDArray[gates > 1 ? steps : 0][];
            zHead = new INDArray[gates > 1 ? steps : 0];
            for (int t = 0; gates > 1 && t < steps; t++) {
                zGate[t] = gateColumns(zStep[t]);
                zHead[t] = columns(zStep[t], 0, (gates - 1) * units);
            }
            vectorCell = host && Recurrent.this.vectorCell;
            if (host && !Gemm.VECTOR && FALLBACK_NOTED.compareAndSet(false, true)) {
                LOG.info("float32 LSTM kernels: {}", Gemm.variant());
            }
            gateHeap = host && !vectorCell ? new float[steps][gates][batch * units] : null;
            cellHeap = host ? new float[steps + 1][batch * units] : null;
            tanhCHeap = host ? new float[steps][batch * units] : null;
            hHeap = host && !vectorCell ? new float[batch * units] : null;
            outHeap = host && returnSequences ? new float[batch * steps * units] : null;
            zHeap = host ? new float[steps * batch * width] : null;
            statesHeap = host ? new float[(steps + 1) * batch * units] : null;
            tokens = host ? new int[steps * batch] : null;
        }

        Gradients gradients() {
            if (gradients == null) {
                gradients = new Gradients(batch, host, host && !vectorCell);
            }
            return gradients;
        }
    }

    /** The backward arrays of one batch size. */
    protected final class Gradients {
        final INDArray dOutTime;  // dL/dh from above, time-major [T*B, H] (without the heap arrays)
        final INDArray[] dOutStep;
        final INDArray dh;        // [B, H]
        final INDArray dhNext;    // [B, H]
        final INDArray dcNext;    // [B, H]
        final INDArray dc;        // dL/dc_t [B, H] (cells with a cell state)
        final INDArray dz;        // dL/dz [T*B, G*H]
        final INDArray[] dzStep;
        final INDArray dBiasSum;  // [1, G*H]
        final INDArray ones;      // [1, T*B]: dBias = ones dz
        final INDArray dInTime;   // [T*B, D]
        final INDArray dIn;       // [B, T, D]
        final INDArray scratch;   // [B, H], for the cell
        final INDArray gateScratch; // [B, G*H], for the cell
        /** With G > 1: per step t and gate k the [B, H] columns of dz, and per k those of gateScratch. */
        final INDArray[][] dzGate;
        final INDArray[] scratchGate;
        /** With G > 1: the first (G-1)*H columns of gateScratch. */
        final INDArray scratchHead;
        /** float32 host cells (else null): dL/dz, dL/dh and dL/dc carried (in place of dhNext and dcNext), dL/db, dL/dh from above. */
        final float[] dzHeap;             // dL/dz [T*B, G*H], written step by step
        final float[] dhNextHeap;         // dL/dh_{t-1} [B*H], the per-step product's result
        final INDArray dOutBatch;         // dL/dh from above as it comes, [B, T, H] (with the heap arrays and sequences)
        final FloatBuffer dOutBatchNative;
        final float[] dOutHeap;           // its values on the heap
        final float[] dcNextHeap;         // [B*H]
        final float[] dBiasHeap;          // dL/db summed over the steps [G*H]
        // the loops' cell only (else null)
        final float[] dOutStepHeap;       // dL/dh from above of one step [B*H]
        final float[] dhHeap;             // [B*H]
        final float[] dcHeap;             // dL/dc_t [B*H]
        final float[][] dzGateHeap;       // dL/dz_t of each gate [G][B*H]
        final float[][] dzRows;           // dL/dz_t by sample [B][G*H]

        /** {@code host}: the workspace's float32 host cells; {@code loops}: with the loops' cell. */
        Gradients(int batch, boolean host, boolean loops) {
            int width = gates * units;
            dOutTime = host ? null : zeros(steps * batch, units);
            dz = zeros(steps * batch, width);
            dOutStep = new INDArray[steps];
            dzStep = new INDArray[steps];
            dzGate = new INDArray[gates > 1 ? steps : 0][];
            for (int t = 0; t < steps; t++) {
                dOutStep[t] = host ? null : rows(dOutTime, t * batch, batch);
                dzStep[t] = rows(dz, t * batch, batch);
                if (gates > 1) {
                    dzGate[t] = gateColumns(dzStep[t]);
                }
            }
            dh = zeros(batch, units);
            dhNext = zeros(batch, units);
            dcNext = zeros(batch, units);
            dc = hasCellState() ? zeros(batch, units) : null;
            dBiasSum = zeros(1, width);
            ones = Nd4j.ones(dataType, 1, (long) steps * batch);
            dInTime = zeros(steps * batch, inputSize);
            dIn = zeros(batch, steps, inputSize);
            scratch = zeros(batch, units);
            gateScratch = zeros(batch, width);
            scratchGate = gateColumns(gateScratch);
            scratchHead = gates > 1 ? columns(gateScratch, 0, (gates - 1) * units) : null;
            dzHeap = host ? new float[steps * batch * width] : null;
            dhNextHeap = host ? new float[batch * units] : null;
            dOutBatch = host && returnSequences ? zeros(batch, steps, units) : null;
            dOutBatchNative = dOutBatch != null ? dOutBatch.data().asNioFloat() : null;
            dOutHeap = dOutBatch != null ? new float[batch * steps * units] : null;
            dcNextHeap = host ? new float[batch * units] : null;
            dOutStepHeap = loops && returnSequences ? new float[batch * units] : null;
            dhHeap = loops ? new float[batch * units] : null;
            dcHeap = loops ? new float[batch * units] : null;
            dzGateHeap = loops ? new float[gates][batch * units] : null;
            dzRows = loops ? new float[batch][width] : null;
            dBiasHeap = host ? new float[width] : null;
        }
    }

    /** The G gate blocks [B, H] of a [B, G*H] array, as views. */
    private INDArray[] gateColumns(INDArray a) {
        INDArray[] blocks = new INDArray[gates];
        for (int k = 0; k < gates; k++) {
            blocks[k] = columns(a, (long) k * units, units);
        }
        return blocks;
    }

    private INDArray zeros(long... shape) {
        return Nd4j.zeros(dataType, shape);
    }

    private static INDArray columns(INDArray a, long from, long count) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.interval(from, from + count));
    }

    private static INDArray rows(INDArray a, long from, long count) {
        return a.get(NDArrayIndex.interval(from, from + count), NDArrayIndex.all());
    }
}
