// Convolutional networks end to end: LeNet-5's shape trace, bit-identical training with dropout, snapshots with BatchNorm statistics.
package io.neurostream.core.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.gradcheck.GradientCheck;
import io.neurostream.core.layers.ActivationLayer;
import io.neurostream.core.layers.Conv2D;
import io.neurostream.core.layers.Layer;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import io.neurostream.core.tensor.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

@Tag("numerics")
class ConvNetworkTest {
    private static final String SMALL_CONV_NET = """
            {"name": "small-conv", "input": {"shape": [1, 12, 12]}, "seed": 9,
             "layers": [{"type": "conv2d", "filters": 4, "kernel": 3, "padding": "same", "activation": "relu"},
                        {"type": "batch_norm"},
                        {"type": "max_pool2d", "window": 2},
                        {"type": "conv2d", "filters": 6, "kernel": 3, "stride": 2, "padding": 1, "activation": "relu"},
                        {"type": "flatten"},
                        {"type": "dense", "units": 16, "activation": "relu"},
                        {"type": "dropout", "rate": 0.5},
                        {"type": "dense", "units": 10, "activation": "softmax"}],
             "loss": "cross_entropy", "optimizer": {"type": "adam"}}
            """;

    private static Network trained(ModelSpec spec, int steps) {
        Network net = Network.create(spec);
        for (int i = 0; i < steps; i++) {
            INDArray x = GradientCheck.randomInput(300 + i, net.inputShape().withBatch(8)).castTo(DataType.FLOAT);
            INDArray y = GradientCheck.randomOneHot(400 + i, 8, 10).castTo(DataType.FLOAT);
            net.trainStep(x, y);
        }
        return net;
    }

    @Test
    void lenet5ShapesFollowThePaper() {
        Network net = Network.create(Presets.load("lenet5"));
        Conv2D first = (Conv2D) net.layers().get(0);
        assertEquals(Shape.of(1, 28, 28), net.inputShape());
        // the paper's 32x32 input is the 28x28 digit with the first convolution's padding of 2 on each side
        assertEquals(32, 28 + 2 * 2);
        assertEquals(Shape.of(6, 28, 28), first.outputShape());
        List<Shape> shapes = net.layers().stream().filter(l -> !(l instanceof ActivationLayer)).map(Layer::outputShape).toList();
        assertEquals(List.of(Shape.of(6, 28, 28), Shape.of(6, 14, 14), Shape.of(16, 10, 10), Shape.of(16, 5, 5),
                Shape.of(400), Shape.of(120), Shape.of(84), Shape.of(10)), shapes);
        INDArray out = net.predict(GradientCheck.randomInput(1, 2, 1, 28, 28).castTo(DataType.FLOAT));
        assertArrayEquals(new long[] {2, 10}, out.shape());
        // 6*25+6 + 16*6*25+16 + 400*120+120 + 120*84+84 + 84*10+10
        assertEquals(61_706, net.params().trainableCount());
    }

    @Test
    void mnistCnnShapes() {
        Network net = Network.create(Presets.load("mnist-cnn"));
        List<Shape> shapes = net.layers().stream().filter(l -> !(l instanceof ActivationLayer)).map(Layer::outputShape).toList();
        assertEquals(List.of(Shape.of(32, 28, 28), Shape.of(32, 14, 14), Shape.of(64, 14, 14), Shape.of(64, 7, 7),
                Shape.of(3136), Shape.of(1024), Shape.of(1024), Shape.of(10)), shapes);
    }

    @Test
    void sameSeedGivesBitIdenticalWeightsWithDropoutAndBatchNorm() {
        ModelSpec spec = ModelSpec.parse(SMALL_CONV_NET);
        byte[] a = SnapshotCodec.encode(trained(spec, 6));
        byte[] b = SnapshotCodec.encode(trained(spec, 6));
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, SnapshotCodec.encode(trained(spec.with(Map.of("seed", 10)), 6))));
    }

    @Test
    void snapshotKeepsBatchNormRunningStatisticsAndContinuesBitIdentically() {
        Network original = trained(ModelSpec.parse(SMALL_CONV_NET), 4);
        INDArray runningMean = original.params().value("1.mean");
        assertNotEquals(0.0, runningMean.sumNumber().doubleValue(), "the running mean has moved");
        byte[] bytes = SnapshotCodec.encode(original);
        Network restored = SnapshotCodec.decode(bytes);
        assertArrayEquals(bytes, SnapshotCodec.encode(restored));
        assertEquals(original.params().value("1.mean"), restored.params().value("1.mean"));
        assertEquals(original.params().value("1.var"), restored.params().value("1.var"));
        INDArray x = GradientCheck.randomInput(77, 3, 1, 12, 12).castTo(DataType.FLOAT);
        assertEquals(original.predict(x).dup(), restored.predict(x).dup(), "prediction uses the restored running averages");
        for (int i = 0; i < 3; i++) {
            INDArray bx = GradientCheck.randomInput(500 + i, 8, 1, 12, 12).castTo(DataType.FLOAT);
            INDArray by = GradientCheck.randomOneHot(600 + i, 8, 10).castTo(DataType.FLOAT);
            original.trainStep(bx, by);
            restored.trainStep(bx, by);
        }
        assertArrayEquals(SnapshotCodec.encode(original), SnapshotCodec.encode(restored));
    }

    @Test
    void predictionIsDeterministicAndIgnoresDropout() {
        Network net = trained(ModelSpec.parse(SMALL_CONV_NET), 2);
        INDArray x = GradientCheck.randomInput(78, 4, 1, 12, 12).castTo(DataType.FLOAT);
        long[] rngBefore = net.rng().state();
        INDArray first = net.predict(x).dup();
        assertEquals(first, net.predict(x).dup());
        assertArrayEquals(rngBefore, net.rng().state(), "prediction draws no random numbers");
    }
}
