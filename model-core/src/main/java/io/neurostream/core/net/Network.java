// A sequential network: predict, loss, and one mini-batch training step by back-propagation.
package io.neurostream.core.net;

import io.neurostream.core.Nd4jRuntime;
import io.neurostream.core.layers.Layer;
import io.neurostream.core.layers.OneHot;
import io.neurostream.core.layers.Pass;
import io.neurostream.core.losses.Loss;
import io.neurostream.core.optim.Optimizer;
import io.neurostream.core.params.ParamSpec;
import io.neurostream.core.params.Params;
import io.neurostream.core.rng.Rng;
import io.neurostream.core.spec.BuildContext;
import io.neurostream.core.spec.LayerSpec;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.tensor.Buffers;
import io.neurostream.core.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Layers in order, their parameters in one {@link Params}, a loss, an optimizer and the seeded
 * {@link Rng}; everything a snapshot needs to continue training bit for bit. One {@link Engine},
 * chosen when the network is built, computes its passes: the ND4J layers, or for a small float32
 * dense stack loops over Java arrays.
 *
 * <p>A training step: forward in training mode, loss, and if it is finite, zero the gradients,
 * back-propagate (the final activation's derivative is folded into the loss when they fuse,
 * softmax + cross-entropy), check the gradients are finite, then one optimizer update. A
 * non-finite loss or gradient skips the update and keeps the last good weights.
 *
 * <p>Not thread-safe: one network belongs to one thread (one stream task).
 */
public final class Network {
    private final ModelSpec spec;
    private final List<Layer> layers;
    private final Engine engine;
    private final Optimizer optimizer;
    private final Buffers buffers;
    private Rng rng;
    private long steps;
    private long samplesTrained;
    private long skippedSteps;
    private long optimizerOrigin; // the step count when the optimizer last (re)started: it numbers its updates from there
    private final boolean trainingChangesForward; // some layer (dropout, batch norm) computes otherwise in training
    private INDArray lastOutput; // [B, ...out] of the last forward pass; belongs to the engine

    private Network(ModelSpec spec, List<Layer> layers, Engine engine, Optimizer optimizer, Rng rng) {
        this.spec = spec;
        this.layers = Collections.unmodifiableList(layers);
        this.engine = engine;
        this.optimizer = optimizer;
        this.rng = rng;
        this.buffers = new Buffers(spec.dataType());
        this.trainingChangesForward = layers.stream().anyMatch(Layer::trainingChangesForward);
    }

    /** A new network with weights drawn from the spec's seed. */
    public static Network create(ModelSpec spec) {
        return create(spec, true);
    }

    /**
     * A new network that computes on the heap when it can ({@link #computesOnHeap()}) or, with
     * {@code allowHeap} false, always with the ND4J layers (to compare the two).
     */
    public static Network create(ModelSpec spec, boolean allowHeap) {
        Nd4jRuntime.ensureConfigured();
        BuildContext context = spec.buildContext();
        List<Layer> layers = new ArrayList<>();
        List<ParamSpec> paramSpecs = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        Shape shape = spec.input().shape();
        for (int i = 0; i < spec.layers().size(); i++) {
            LayerSpec layerSpec = spec.layers().get(i);
            List<Layer> built = layerSpec.build(shape, context, "layers[" + i + "]");
            for (int k = 0; k < built.size(); k++) {
                Layer layer = built.get(k);
                String prefix = k == 0 ? Integer.toString(i) : i + "." + k;
                layer.params().forEach(p -> paramSpecs.add(p.prefixed(prefix)));
                layers.add(layer);
                prefixes.add(prefix);
                shape = layer.outputShape();
            }
        }
        Params params = new Params(paramSpecs, spec.dataType());
        for (int j = 0; j < layers.size(); j++) {
            layers.get(j).bind(params.viewsFor(prefixes.get(j)));
        }
        Rng rng = new Rng(spec.seed());
        params.initialize(rng);
        layers.forEach(Layer::initializeParams);
        OneHot.fuseTokenInputs(layers);
        Loss loss = Loss.fromSpecName(spec.loss());
        Engine engine = allowHeap && HeapEngine.supports(layers, spec.dataType(), spec.batchSize())
                ? new HeapEngine(layers, loss, params) : new Nd4jEngine(layers, params, loss);
        // a replica's schedule follows the whole model: R replicas make R of its updates per local update (LearningRate#strided)
        Optimizer optimizer = spec.optimizer().create().withScheduleStride(spec.replication().replicas());
        return new Network(spec, layers, engine, optimizer, rng);
    }

    public ModelSpec spec() {
        return spec;
    }

    /** The layers, to describe them; read and change parameters through {@link #params()}, which is always up to date. */
    public List<Layer> layers() {
        return layers;
    }

    /**
     * The parameters with the latest values and gradients; the caller may change them, and the
     * next pass computes with what they hold.
     */
    public Params params() {
        return engine.params();
    }

    /**
     * Whether this network computes with loops over Java arrays ({@link HeapEngine}) instead of
     * ND4J ops: a float32 stack of dense layers and activations at a batch size of at most 32,
     * where that is several times faster. Its results then differ from the ND4J path's in the last bits.
     */
    public boolean computesOnHeap() {
        return engine instanceof HeapEngine;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public Rng rng() {
        return rng;
    }

    public DataType dataType() {
        return spec.dataType();
    }

    public Shape inputShape() {
        return spec.input().shape();
    }

    public Shape outputShape() {
        return layers.get(layers.size() - 1).outputShape();
    }

    /** Width of the output's last axis: classes of a classifier, 1 for a binary or scalar output. */
    public int outputSize() {
        Shape out = outputShape();
        return out.dim(out.rank() - 1);
    }

    /** Number of classes a label may name: 2 for a single output unit, else the output width. */
    public int classes() {
        return outputSize() == 1 ? 2 : outputSize();
    }

    public Counters counters() {
        return new Counters(steps, samplesTrained, skippedSteps);
    }

    /**
     * Updates the optimizer has applied since it started or was last restarted ({@link #restartOptimizer}): where its
     * learning-rate schedule and Adam's bias correction are. Equal to the step count unless restarted.
     */
    public long optimizerSteps() {
        return steps - optimizerOrigin;
    }

    /** The step count at the optimizer's last restart (0 if never), kept by the caller beside the snapshot. */
    public long optimizerOrigin() {
        return optimizerOrigin;
    }

    /** Restores {@link #optimizerOrigin()} after loading a snapshot. */
    public void restoreOptimizerOrigin(long origin) {
        if (origin < 0 || origin > steps) {
            throw new IllegalArgumentException("model " + spec.name() + ": optimizer origin " + origin + " is outside 0.." + steps);
        }
        this.optimizerOrigin = origin;
    }

    /**
     * Restarts the optimizer: its state (momentum, Adam's moments) back to zeros and its update count to 0, so the
     * learning-rate schedule and Adam's bias correction begin again; the weights and the model's step count stay.
     */
    public void restartOptimizer() {
        for (Map.Entry<String, INDArray> e : optimizer.state().entrySet()) {
            optimizer.restoreState(e.getKey(), Nd4j.zeros(e.getValue().dataType(), e.getValue().length()));
        }
        optimizerOrigin = steps;
    }

    /**
     * Draws parameters afresh from their init schemes with the network's own generator (continuing its sequence, so
     * the same history draws the same values), then restarts the optimizer: every parameter, or with {@code
     * lastLayerOnly} those of the last layer that has any (the read-out). Non-trained state of those layers (batch
     * statistics) starts again too.
     */
    public void reinitialize(boolean lastLayerOnly) {
        Params p = params(); // a heap network reloads them before its next pass
        int first = 0;
        if (lastLayerOnly) {
            first = layers.size() - 1;
            while (first > 0 && layers.get(first).params().isEmpty()) {
                first--;
            }
        }
        int count = 0;
        for (int i = first; i < layers.size(); i++) {
            count += layers.get(i).params().size();
        }
        List<Params.Entry> entries = p.entries();
        for (Params.Entry e : entries.subList(entries.size() - count, entries.size())) {
            ParamSpec s = e.spec();
            double[] drawn = new double[Math.toIntExact(s.length())];
            for (int i = 0; i < drawn.length; i++) {
                drawn[i] = s.init().draw(rng, s.fanIn(), s.fanOut());
            }
            INDArray flat = e.isState() ? p.state() : p.values();
            flat.get(NDArrayIndex.interval(e.offset(), e.offset() + s.length())).assign(Nd4j.createFromArray(drawn).castTo(spec.dataType()));
        }
        for (int i = first; i < layers.size(); i++) {
            layers.get(i).initializeParams();
        }
        restartOptimizer();
    }

    /** Restores counters and generator state (snapshot loading). */
    public void restore(Counters counters, long[] rngState) {
        this.steps = counters.steps();
        this.samplesTrained = counters.samplesTrained();
        this.skippedSteps = counters.skippedSteps();
        this.rng = Rng.fromState(rngState);
    }

    /** Outputs [B, ...out] in prediction mode; the array belongs to the network (see {@link Layer}). */
    public INDArray predict(INDArray input) {
        return forward(input, false);
    }

    /** Prediction-mode outputs and per-sample losses of a labelled batch; changes nothing. */
    public Evaluation evaluate(INDArray input, INDArray targets) {
        return evaluation(forwardLoss(input, targets, false));
    }

    /** One optimizer step on a batch: inputs [B, ...in], targets shaped like the output. */
    public StepResult trainStep(INDArray input, INDArray targets) {
        return step(input.size(0), computeGradients(input, targets));
    }

    /**
     * Test-then-train on one batch: the prediction-mode evaluation of the model as it is, then one
     * optimizer step. When no layer behaves differently in training (no dropout, no batch
     * statistics) the two share one forward pass, with bit-identical results.
     */
    public Prequential evaluateThenTrain(INDArray input, INDArray targets) {
        if (trainingChangesForward) {
            Evaluation evaluation = evaluate(input, targets);
            // the training pass reuses the layers' output buffers: keep the prediction-mode arrays apart
            Evaluation kept = new Evaluation(buffers.get("keptOutput", evaluation.output().shape()).assign(evaluation.output()),
                    buffers.get("keptLosses", evaluation.perSampleLoss().shape()).assign(evaluation.perSampleLoss()), evaluation.meanLoss());
            return new Prequential(kept, trainStep(input, targets));
        }
        Evaluation evaluation = evaluation(forwardLoss(input, targets, true));
        if (Double.isFinite(evaluation.meanLoss())) {
            engine.backward(targets);
        }
        return new Prequential(evaluation, step(input.size(0), evaluation.meanLoss()));
    }

    /**
     * Forward in training mode, loss, and back-propagation into {@link Params#gradients()} (zeroed
     * first); no update. Returns the mean loss; when it is not finite, back-propagation is skipped.
     */
    public double computeGradients(INDArray input, INDArray targets) {
        double meanLoss = forwardLoss(input, targets, true);
        if (Double.isFinite(meanLoss)) {
            engine.backward(targets);
        }
        return meanLoss;
    }

    /** Applies the optimizer to the gradients of a batch of {@code batch} samples unless the loss or a gradient is not finite. */
    private StepResult step(long batch, double meanLoss) {
        samplesTrained += batch;
        if (!Double.isFinite(meanLoss) || !engine.update(optimizer, optimizerSteps() + 1)) {
            skippedSteps++;
            return new StepResult(meanLoss, false);
        }
        steps++;
        return new StepResult(meanLoss, true);
    }

    /** Forward pass and per-row losses into the "perRow" buffer; the output stays in {@link #lastOutput}. Returns the mean loss. */
    private double forwardLoss(INDArray input, INDArray targets, boolean training) {
        lastOutput = forward(input, training);
        return engine.loss(targets, buffers.get("perRow", rows(lastOutput)));
    }

    /** The last forward pass as an evaluation: per-sample losses are means over time steps for sequence outputs. */
    private Evaluation evaluation(double meanLoss) {
        long batch = lastOutput.size(0);
        INDArray perRow = buffers.get("perRow", rows(lastOutput));
        INDArray perSample = perRow;
        if (perRow.length() != batch) {
            perSample = buffers.get("perSample", batch);
            perRow.reshape('c', batch, perRow.length() / batch).mean(perSample, 1);
        }
        return new Evaluation(lastOutput, perSample, meanLoss);
    }

    /** Mean loss of a forward pass in training mode (dropout and batch statistics on); no gradients. */
    public double trainingLoss(INDArray input, INDArray targets) {
        return forwardLoss(input, targets, true);
    }

    private INDArray forward(INDArray input, boolean training) {
        checkInput(input);
        return engine.forward(input, new Pass(training, rng));
    }

    private void checkInput(INDArray input) {
        Shape in = inputShape();
        boolean ok = input.rank() == in.rank() + 1;
        for (int i = 0; ok && i < in.rank(); i++) {
            ok = input.size(i + 1) == in.dim(i);
        }
        if (!ok) {
            throw new IllegalArgumentException("model " + spec.name() + ": expected input [B, " + in.toString().substring(1)
                    + ", got " + Arrays.toString(input.shape()));
        }
    }

    private static long rows(INDArray out) {
        return out.length() / out.size(out.rank() - 1);
    }
}
