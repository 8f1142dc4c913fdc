// A sequential network: predict, loss, and one mini-batch training step by back-propagation.
package io.neurostream.core.net;

import io.neurostream.core.Nd4jRuntime;
import io.neurostream.core.layers.ActivationLayer;
import io.neurostream.core.layers.Layer;
import io.neurostream.core.layers.OneHot;
import io.neurostream.core.layers.Pass;
import io.neurostream.core.losses.Loss;
import io.neurostream.core.losses.Losses;
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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Layers in order, their parameters in one {@link Params}, a loss, an optimizer and the seeded
 * {@link Rng}; everything a snapshot needs to continue training bit for bit.
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
    private final Params params;
    private final Loss loss;
    private final Optimizer optimizer;
    private final boolean lossFusesFinalActivation;
    private final int lowestTrainableLayer; // back-propagation stops here: nothing below has parameters
    private final Buffers buffers;
    private Rng rng;
    private long steps;
    private long samplesTrained;
    private long skippedSteps;
    private final boolean trainingChangesForward; // some layer (dropout, batch norm) computes otherwise in training
    private INDArray lastOutput; // [B, ...out] of the last forward pass; belongs to the last layer
    private final HostDenseNet heap; // computes instead of the ND4J layers (a small dense float32 network), else null
    private boolean heapBehind = true; // the values in params may differ from the heap copies
    private boolean paramsBehind;      // the heap copies hold newer values and gradients than params

    private Network(ModelSpec spec, List<Layer> layers, Params params, Loss loss, Optimizer optimizer, Rng rng, boolean allowHeap) {
        this.spec = spec;
        this.layers = Collections.unmodifiableList(layers);
        this.params = params;
        this.loss = loss;
        this.optimizer = optimizer;
        this.rng = rng;
        this.buffers = new Buffers(spec.dataType());
        Layer last = layers.get(layers.size() - 1);
        this.lossFusesFinalActivation = last instanceof ActivationLayer a && loss.fusesWith(a.activation());
        int lowest = 0;
        while (lowest < layers.size() - 1 && layers.get(lowest).params().isEmpty()) {
            lowest++;
        }
        this.lowestTrainableLayer = lowest;
        this.trainingChangesForward = layers.stream().anyMatch(Layer::trainingChangesForward);
        this.heap = allowHeap && HostDenseNet.supports(layers, loss, spec.dataType(), spec.batchSize()) ? new HostDenseNet(layers, loss, params) : null;
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
        Loss loss = Losses.create(spec.loss(), spec.dataType());
        return new Network(spec, layers, params, loss, spec.optimizer().create(), rng, allowHeap);
    }

    public ModelSpec spec() {
        return spec;
    }

    /** The layers, to describe them; read and change parameters through {@link #params()}, which is always up to date. */
    public List<Layer> layers() {
        return layers;
    }

    /**
     * The parameters, up to date; the caller may change them. (A network computing on the heap
     * copies them across here, and again before its next pass.)
     */
    public Params params() {
        if (heap != null) {
            if (paramsBehind) {
                heap.params().storeValues(params);
                heap.params().storeGradients(params);
                paramsBehind = false;
            }
            heapBehind = true;
        }
        return params;
    }

    /**
     * Whether this network computes with loops over Java arrays instead of ND4J ops: a float32
     * stack of dense layers and element-wise activations at a batch size of at most 32, where that
     * is several times faster. Its results then differ from the ND4J path's in the last bits.
     */
    public boolean computesOnHeap() {
        return heap != null;
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
            backward(targets);
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
            backward(targets);
        }
        return meanLoss;
    }

    /** Applies the optimizer to the gradients of a batch of {@code batch} samples unless the loss or a gradient is not finite. */
    private StepResult step(long batch, double meanLoss) {
        samplesTrained += batch;
        if (!Double.isFinite(meanLoss) || !(heap == null ? optimizer.update(params, steps + 1) : optimizer.update(heap.params(), steps + 1))) {
            skippedSteps++;
            return new StepResult(meanLoss, false);
        }
        steps++;
        return new StepResult(meanLoss, true);
    }

    /** Forward pass and per-row losses into the "perRow" buffer; the output stays in {@link #lastOutput}. Returns the mean loss. */
    private double forwardLoss(INDArray input, INDArray targets, boolean training) {
        lastOutput = forward(input, training);
        if (heap != null) {
            return heap.loss(targets, buffers.get("perRow", rows(lastOutput)));
        }
        return loss.forward(logitsOrNull(), as2d(lastOutput), as2d(targets), buffers.get("perRow", rows(lastOutput)));
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

    /** Back-propagates the loss of the last (training-mode) forward pass into the zeroed gradients. */
    private void backward(INDArray targets) {
        if (heap != null) {
            heap.backward(); // against the targets of the loss just computed
            paramsBehind = true;
            return;
        }
        params.zeroGradients();
        INDArray out2d = as2d(lastOutput);
        INDArray logits = logitsOrNull();
        INDArray grad = buffers.get("dOut", out2d.shape());
        loss.backward(logits, out2d, as2d(targets), grad);
        INDArray dOut = grad.reshape('c', lastOutput.shape());
        int first = layers.size() - (lossFusesFinalActivation ? 2 : 1);
        for (int i = first; i >= lowestTrainableLayer; i--) {
            dOut = layers.get(i).backward(dOut, i > lowestTrainableLayer);
        }
    }

    /** Mean loss of a forward pass in training mode (dropout and batch statistics on); no gradients. */
    public double trainingLoss(INDArray input, INDArray targets) {
        return forwardLoss(input, targets, true);
    }

    private INDArray forward(INDArray input, boolean training) {
        checkInput(input);
        if (heap != null) {
            if (heapBehind) {
                heap.params().loadValues(params);
                heapBehind = false;
            }
            return heap.forward(input);
        }
        Nd4jRuntime.ensureConfigured(); // OpenMP's bound is per thread: a stream thread may not be the creator
        Pass pass = new Pass(training, rng);
        INDArray x = input;
        for (Layer layer : layers) {
            x = layer.forward(x, pass);
        }
        return x;
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

    /** The final activation's input (the logits) as [rows, K] when the loss fuses with it, else null. */
    private INDArray logitsOrNull() {
        return lossFusesFinalActivation ? as2d(((ActivationLayer) layers.get(layers.size() - 1)).lastInput()) : null;
    }

    /** [B, ..., K] -> [rows, K] (a view; sequence outputs put every time step on its own row). */
    private static INDArray as2d(INDArray a) {
        if (a.rank() == 2) {
            return a;
        }
        long k = a.size(a.rank() - 1);
        return a.reshape('c', a.length() / k, k);
    }

    private static long rows(INDArray out) {
        return out.length() / out.size(out.rank() - 1);
    }
}
