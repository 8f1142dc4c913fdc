// The same network trained by Deeplearning4j's MultiLayerNetwork, for `bench model --compare dl4j`.
package io.neurostream.app.bench;

import io.neurostream.core.bench.ModelBench;
import io.neurostream.core.rng.Rng;
import io.neurostream.core.layers.Conv2D;
import io.neurostream.core.spec.BatchNormSpec;
import io.neurostream.core.spec.Conv2DSpec;
import io.neurostream.core.spec.DenseSpec;
import io.neurostream.core.spec.DropoutSpec;
import io.neurostream.core.spec.FlattenSpec;
import io.neurostream.core.spec.LayerSpec;
import io.neurostream.core.spec.MaxPool2DSpec;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.OptimizerSpec;
import io.neurostream.core.tensor.Shape;
import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration.ListBuilder;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Translates a neurostream spec into a DL4J configuration layer by layer (float32, the same
 * sizes, activations, loss and optimizer; DL4J's momentum is Nesterov's, ours is classical —
 * the same cost; convolutions NCHW with DL4J's own helpers, as DL4J users get them) and times {@code fit} on random batches with
 * {@link ModelBench#time}, the loop that times ours.
 */
public final class Dl4jBaseline {
    private static final int DISTINCT_BATCHES = 8;

    private Dl4jBaseline() {}

    public static ModelBench.Result measure(ModelSpec spec, int batch, double warmupSeconds, double roundSeconds, int rounds) {
        MultiLayerNetwork net = new MultiLayerNetwork(configure(spec));
        net.init();
        long[] inputShape = spec.input().shape().withBatch(batch); // [B, F] or [B, C, H, W], as ours
        int outputs = outputWidth(spec);
        Rng rng = new Rng(spec.seed() + 1);
        DataSet[] data = new DataSet[DISTINCT_BATCHES];
        for (int i = 0; i < DISTINCT_BATCHES; i++) {
            INDArray x = Nd4j.create(DataType.FLOAT, inputShape);
            INDArray y = Nd4j.zeros(DataType.FLOAT, batch, outputs);
            for (long j = 0; j < x.length(); j++) {
                x.putScalar(j, rng.nextDouble());
            }
            for (int b = 0; b < batch; b++) {
                y.putScalar(b, rng.nextInt(outputs), 1.0);
            }
            data[i] = new DataSet(x, y);
        }
        ModelBench.Rounds timed = new ModelBench(warmupSeconds, roundSeconds, rounds).time(batch, i -> net.fit(data[i % DISTINCT_BATCHES]), () -> {});
        return new ModelBench.Result("dl4j:" + spec.name(), batch, 0, net.numParams(), ModelBench.median(timed.rates()), timed.rates(), false);
    }

    static org.deeplearning4j.nn.conf.MultiLayerConfiguration configure(ModelSpec spec) {
        ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .dataType(DataType.FLOAT)
                .updater(updater(spec.optimizer()))
                .weightInit(WeightInit.XAVIER)
                .list();
        List<LayerSpec> layers = spec.layers();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec layer = layers.get(i);
            boolean last = i == layers.size() - 1;
            if (layer instanceof DenseSpec dense && !dense.activation().equals(DenseSpec.MAXOUT)) {
                Activation activation = activation(dense.activation());
                list.layer(last
                        ? new OutputLayer.Builder(loss(spec.loss())).nOut(dense.units()).activation(activation).build()
                        : new DenseLayer.Builder().nOut(dense.units()).activation(activation).build());
            } else if (layer instanceof Conv2DSpec conv && !last) {
                ConvolutionLayer.Builder b = new ConvolutionLayer.Builder(conv.kernel(), conv.kernel())
                        .stride(conv.stride(), conv.stride()).nOut(conv.filters()).activation(activation(conv.activation()));
                if (conv.padding() == Conv2D.SAME) {
                    b.convolutionMode(ConvolutionMode.Same);
                } else {
                    b.convolutionMode(ConvolutionMode.Truncate).padding(conv.padding(), conv.padding());
                }
                list.layer(b.build());
            } else if (layer instanceof MaxPool2DSpec pool && !last) {
                list.layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(pool.window(), pool.window())
                        .stride(pool.stride(), pool.stride()).build());
            } else if (layer instanceof DropoutSpec dropout && !last) {
                list.layer(new DropoutLayer.Builder(1 - dropout.rate()).build()); // DL4J takes the retain probability
            } else if (layer instanceof BatchNormSpec norm && !last) {
                list.layer(new BatchNormalization.Builder().decay(norm.momentum()).eps(norm.epsilon()).build());
            } else if (!(layer instanceof FlattenSpec) || last) {
                // flatten: DL4J inserts its CNN-to-dense preprocessor by itself
                throw new IllegalArgumentException("model " + spec.name() + ": the DL4J baseline supports dense, conv2d, max_pool2d, dropout, "
                        + "batch_norm and flatten layers ending in a dense layer, not layers[" + i + "] (" + layer.type() + ")");
            }
        }
        Shape in = spec.input().shape();
        return list.setInputType(in.rank() == 3 ? InputType.convolutional(in.dim(1), in.dim(2), in.dim(0)) : InputType.feedForward(in.size()))
                .build();
    }

    private static int outputWidth(ModelSpec spec) {
        LayerSpec last = spec.layers().get(spec.layers().size() - 1);
        return last instanceof DenseSpec dense ? dense.units() : 0;
    }

    private static IUpdater updater(OptimizerSpec o) {
        if (o.type().equals(OptimizerSpec.ADAM)) {
            return new Adam(o.learningRate(), o.beta1(), o.beta2(), o.epsilon());
        }
        return o.momentum() > 0 ? new Nesterovs(o.learningRate(), o.momentum()) : new Sgd(o.learningRate());
    }

    private static Activation activation(String name) {
        return switch (name) {
            case "identity" -> Activation.IDENTITY;
            case "sigmoid" -> Activation.SIGMOID;
            case "tanh" -> Activation.TANH;
            case "relu" -> Activation.RELU;
            case "leaky_relu" -> Activation.LEAKYRELU;
            case "softmax" -> Activation.SOFTMAX;
            default -> throw new IllegalArgumentException("activation " + name + " has no DL4J counterpart here");
        };
    }

    private static LossFunction loss(String name) {
        return switch (name) {
            case "cross_entropy" -> LossFunction.MCXENT;
            case "binary_cross_entropy" -> LossFunction.XENT;
            case "mean_squared_error" -> LossFunction.MSE;
            default -> LossFunction.SQUARED_LOSS;
        };
    }
}
