// Adam (Kingma & Ba 2015, Algorithm 1, in the paper's efficient form of §2) with optional L2 weight decay.
package io.neurostream.core.optim;

import io.neurostream.core.params.Params;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;

/**
 * m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²; w ← w − η_t m / (√v + ε̂) with
 * η_t = η √(1−β2^t) / (1−β1^t): one fused ND4J op over the flat buffers, then one subtraction.
 */
public final class Adam implements Optimizer {
    static final String FIRST_MOMENT = "m";
    static final String SECOND_MOMENT = "v";

    private final LearningRate learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final WeightDecay weightDecay;
    private final FlatState state = new FlatState(FIRST_MOMENT, SECOND_MOMENT);

    public Adam(LearningRate learningRate, double beta1, double beta2, double epsilon, double weightDecay) {
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = new WeightDecay(weightDecay);
    }

    @Override
    public String specName() {
        return "adam";
    }

    @Override
    public double learningRate(long step) {
        return learningRate.at(step);
    }

    @Override
    public void update(Params params, long step) {
        INDArray w = params.values();
        INDArray g = params.gradients();
        weightDecay.addTo(params);
        INDArray m = state.get(FIRST_MOMENT, w);
        INDArray v = state.get(SECOND_MOMENT, w);
        // In place: g becomes the update, v and m the new moments. The op counts iterations from 0.
        Nd4j.exec(new AdamUpdater(g, v, m, learningRate.at(step), beta1, beta2, epsilon, Math.toIntExact(step - 1)));
        w.subi(g);
    }

    @Override
    public Map<String, INDArray> state() {
        return state.all();
    }

    @Override
    public void restoreState(String name, INDArray flat) {
        state.restore(specName(), name, flat);
    }
}
