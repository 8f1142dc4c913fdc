// The optimizer section of a model spec: SGD (learning rate, momentum, weight decay) or Adam, with optional inverse-time decay or cosine anneal.
package io.neurostream.core.spec;

import io.neurostream.core.optim.Adam;
import io.neurostream.core.optim.LearningRate;
import io.neurostream.core.optim.Optimizer;
import io.neurostream.core.optim.Sgd;
import java.util.List;

/** Hyper-parameters of the optimizer; fields not used by the chosen type keep their defaults. */
public record OptimizerSpec(String type, double learningRate, double learningRateDecay, long annealSteps, double finalLearningRate,
                            double momentum, double weightDecay, double beta1, double beta2, double epsilon) {
    public static final String SGD = "sgd";
    public static final String ADAM = "adam";

    public Optimizer create() {
        LearningRate rate = new LearningRate(learningRate, learningRateDecay, annealSteps, finalLearningRate);
        return type.equals(ADAM)
                ? new Adam(rate, beta1, beta2, epsilon, weightDecay)
                : new Sgd(rate, momentum, weightDecay);
    }

    static OptimizerSpec parse(SpecNode node) {
        String type = node.requireChoice("type", List.of(SGD, ADAM));
        boolean adam = type.equals(ADAM);
        double lr = node.optDouble("learning_rate", adam ? 0.001 : 0.01, Double.MIN_VALUE, 100);
        double decay = node.optDouble("learning_rate_decay", 0.0, 0.0, 1e6);
        long anneal = node.optInt("anneal_steps", 0, 0);
        if (anneal > 0 && decay > 0) {
            throw new SpecException(node.pathOf("anneal_steps"), "is an alternative to learning_rate_decay; set one (got " + anneal + " and " + decay + ")");
        }
        if (anneal == 0 && node.has("final_learning_rate")) {
            throw new SpecException(node.pathOf("final_learning_rate"), "is the floor of a cosine anneal; it needs anneal_steps");
        }
        double floor = node.optDouble("final_learning_rate", lr / 100, 0.0, lr);
        double weightDecay = node.optDouble("weight_decay", 0.0, 0.0, 1.0);
        double momentum = 0.0;
        double beta1 = 0.9;
        double beta2 = 0.999;
        double epsilon = 1e-8;
        if (adam) {
            beta1 = node.optDouble("beta1", beta1, 0.0, 0.999999);
            beta2 = node.optDouble("beta2", beta2, 0.0, 0.99999999);
            epsilon = node.optDouble("epsilon", epsilon, Double.MIN_VALUE, 1.0);
        } else {
            momentum = node.optDouble("momentum", momentum, 0.0, 0.999999);
        }
        node.rejectUnknownFields();
        return new OptimizerSpec(type, lr, decay, anneal, anneal > 0 ? floor : lr, momentum, weightDecay, beta1, beta2, epsilon);
    }
}
