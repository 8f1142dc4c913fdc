package io.neurostream.core.replica;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.neurostream.core.replica.FederatedAverage.Contribution;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class FederatedAverageTest {
    @Test
    void theBasePlusTheSampleWeightedMeanOfTheChanges() {
        double[] base = {1.0, 2.0};
        double[] merged = FederatedAverage.merge(base, List.of(
                new Contribution(0, 30, new double[] {0.3, -3.0}),
                new Contribution(1, 10, new double[] {-0.1, 1.0})), DataType.DOUBLE);
        assertArrayEquals(new double[] {1.0 + (30 * 0.3 - 0.1 * 10) / 40, 2.0 + (-90.0 + 10.0) / 40}, merged, 1e-15);
        assertArrayEquals(new double[] {1.0, 2.0}, base, 0.0, "the base is not changed");
    }

    @Test
    void theOrderTheyArriveInDoesNotChangeOneBit() {
        SplittableRandom r = new SplittableRandom(5);
        double[] base = r.doubles(1000, -1, 1).toArray();
        Contribution a = new Contribution(0, 32, r.doubles(1000, -1e-3, 1e-3).map(v -> (float) v).toArray());
        Contribution b = new Contribution(1, 17, r.doubles(1000, -1e-3, 1e-3).map(v -> (float) v).toArray());
        Contribution c = new Contribution(2, 5, r.doubles(1000, -1e-3, 1e-3).map(v -> (float) v).toArray());
        double[] abc = FederatedAverage.merge(base, List.of(a, b, c), DataType.FLOAT);
        assertArrayEquals(abc, FederatedAverage.merge(base, List.of(c, a, b), DataType.FLOAT), 0.0);
        assertArrayEquals(abc, FederatedAverage.merge(base, List.of(b, c, a), DataType.FLOAT), 0.0);
        for (double v : abc) {
            assertEquals((float) v, v, 0.0, "a float32 model's merge is float32");
        }
    }

    @Test
    void theServerLearningRateScalesTheMeanChange() {
        double[] base = {1.0, 2.0};
        List<Contribution> round = List.of(new Contribution(0, 30, new double[] {0.3, -3.0}), new Contribution(1, 10, new double[] {-0.1, 1.0}));
        double[] mean = {(30 * 0.3 - 0.1 * 10) / 40, (-90.0 + 10.0) / 40};
        assertArrayEquals(new double[] {1.0 + 2.5 * mean[0], 2.0 + 2.5 * mean[1]}, FederatedAverage.merge(base, round, DataType.DOUBLE, 2.5), 1e-15);
        assertArrayEquals(new double[] {1.0 + 0.5 * mean[0], 2.0 + 0.5 * mean[1]}, FederatedAverage.merge(base, round, DataType.DOUBLE, 0.5), 1e-15);
        assertEquals("server learning rate must be finite and > 0, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> FederatedAverage.merge(base, round, DataType.DOUBLE, 0.0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> FederatedAverage.merge(base, round, DataType.DOUBLE, Double.NaN));
    }

    @Test
    void aServerLearningRateOfOneIsPlainAveragingBitForBit() {
        SplittableRandom r = new SplittableRandom(11);
        double[] base = r.doubles(1000, -1, 1).map(v -> (float) v).toArray();
        Contribution a = new Contribution(0, 32, r.doubles(1000, -1e-3, 1e-3).map(v -> (float) v).toArray());
        Contribution b = new Contribution(1, 17, r.doubles(1000, -1e-3, 1e-3).map(v -> (float) v).toArray());
        double[] merged = FederatedAverage.merge(base, List.of(a, b), DataType.FLOAT, 1.0);
        assertArrayEquals(FederatedAverage.merge(base, List.of(a, b), DataType.FLOAT), merged, 0.0);
        for (int i = 0; i < base.length; i++) { // the formula before the server learning rate existed
            double sum = 0;
            sum += 32 * a.delta()[i];
            sum += 17 * b.delta()[i];
            assertEquals((float) (base[i] + sum / 49), merged[i], 0.0);
        }
    }

    @Test
    void contributionsWithoutSamplesCarryNoWeightAndNoneLeaveTheBase() {
        double[] base = {0.5};
        assertArrayEquals(new double[] {0.75}, FederatedAverage.merge(base, List.of(
                new Contribution(0, 4, new double[] {0.25}), new Contribution(1, 0, new double[] {100.0})), DataType.DOUBLE), 0.0);
        assertArrayEquals(base, FederatedAverage.merge(base, List.of(), DataType.DOUBLE), 0.0);
    }

    @Test
    void inconsistentContributionsAreRefusedInOneLine() {
        double[] base = {0.0, 0.0};
        assertEquals("two contributions of shard 1 in one round", assertThrows(IllegalArgumentException.class, () -> FederatedAverage.merge(base,
                List.of(new Contribution(1, 1, new double[2]), new Contribution(1, 1, new double[2])), DataType.FLOAT)).getMessage());
        assertEquals("contribution of shard 0 has 3 values, the model 2", assertThrows(IllegalArgumentException.class,
                () -> FederatedAverage.merge(base, List.of(new Contribution(0, 1, new double[3])), DataType.FLOAT)).getMessage());
    }
}
