// Synthetic sets: sizes, determinism from the seed, separability, truth tables and class balance.
package io.neurostream.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticTest {
    @Test
    void shouldBuildEveryNamedSetWithTheAskedSize() {
        for (String name : Synthetic.NAMES) {
            Dataset set = Synthetic.byName(name, 100, 1L);

            assertEquals(name, set.name());
            assertEquals(100, set.size());
            assertArrayEquals(new int[] {2}, set.sampleShape());
            assertEquals(2, set.featureCount());
            assertEquals(2, set.classes());
        }
    }

    @Test
    void shouldRefuseAnUnknownName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Synthetic.byName("spiral", 10, 1L));

        assertEquals("unknown synthetic dataset 'spiral': expected one of linear, and, or, xor, circle", e.getMessage());
    }

    @Test
    void shouldBeDeterministicFromTheSeed() {
        for (String name : Synthetic.NAMES) {
            assertArrayEquals(all(Synthetic.byName(name, 200, 9L)), all(Synthetic.byName(name, 200, 9L)), name);
            assertFalse(Arrays.equals(all(Synthetic.byName(name, 200, 9L)), all(Synthetic.byName(name, 200, 10L))), name);
        }
    }

    @Test
    void shouldSeparateTheLinearSetByItsLineWithTheMargin() {
        Dataset linear = Synthetic.linear(5_000, 3L);
        float[] point = new float[2];
        int ones = 0;
        for (int i = 0; i < linear.size(); i++) {
            linear.features(i, point, 0);
            float distance = Synthetic.lineDistance(point[0], point[1]);
            assertTrue(Math.abs(distance) >= Synthetic.LINE_MARGIN, "point " + i + " inside the margin");
            assertEquals(distance > 0 ? 1 : 0, linear.label(i), "point " + i);
            assertTrue(Math.abs(point[0]) <= 1 && Math.abs(point[1]) <= 1, "point " + i + " outside the square");
            ones += linear.label(i);
        }
        assertTrue(ones > 1_500 && ones < 3_500, "both classes present, got " + ones + " of label 1");
    }

    @Test
    void shouldGiveTheTruthTablesRowByRow() {
        assertTable(LogicGate.AND, 0, 0, 0, 1);
        assertTable(LogicGate.OR, 0, 1, 1, 1);
        assertTable(LogicGate.XOR, 0, 1, 1, 0);
    }

    @Test
    void shouldDrawNoisyRowsOfTheGateFromTheSeed() {
        for (LogicGate gate : LogicGate.values()) {
            Dataset set = Synthetic.byName(gate.id(), 4_000, 5L);
            float[] point = new float[2];
            float[] target = new float[1];
            int[] perRow = new int[4];
            for (int i = 0; i < set.size(); i++) {
                set.features(i, point, 0);
                set.target(i, target, 0);
                int a = Math.round(point[0]);
                int b = Math.round(point[1]);
                assertTrue(Math.abs(point[0] - a) <= Synthetic.LOGIC_NOISE && Math.abs(point[1] - b) <= Synthetic.LOGIC_NOISE,
                        gate + " point " + i + " within the noise of a row: " + Arrays.toString(point));
                assertEquals(gate.apply(a, b), set.label(i), gate + " point " + i);
                assertEquals(set.label(i), target[0], gate + " target " + i);
                perRow[2 * a + b]++;
            }
            for (int row = 0; row < 4; row++) {
                assertTrue(perRow[row] > 800 && perRow[row] < 1_200, gate + ": rows drawn uniformly: " + Arrays.toString(perRow));
            }
        }
    }

    @Test
    void shouldNotCycleTheTableInOrder() {
        Dataset xor = Synthetic.byName("xor", 8, 1L);
        int[] labels = new int[8];
        for (int i = 0; i < 8; i++) {
            labels[i] = xor.label(i);
        }
        assertFalse(Arrays.equals(new int[] {0, 1, 1, 0, 0, 1, 1, 0}, labels), "drawn, not the table in order: " + Arrays.toString(labels));
    }

    @Test
    void shouldRepeatTheTableRowsToTheAskedSize() {
        Dataset xor = Synthetic.logic(LogicGate.XOR, 10);
        float[] row = new float[2];
        xor.features(6, row, 0);

        assertArrayEquals(new float[] {1, 0}, row, "row 6 is table row 2");
        assertEquals(1, xor.label(6));
    }

    @Test
    void shouldBalanceTheCircleSetRoughly() {
        Dataset circle = Synthetic.circle(10_000, 11L);
        float[] point = new float[2];
        int inside = 0;
        for (int i = 0; i < circle.size(); i++) {
            circle.features(i, point, 0);
            float r2 = point[0] * point[0] + point[1] * point[1];
            assertEquals(r2 < Synthetic.CIRCLE_RADIUS * Synthetic.CIRCLE_RADIUS ? 1 : 0, circle.label(i));
            inside += circle.label(i);
        }
        assertTrue(inside > 4_000 && inside < 6_000, "inside: " + inside + " of 10000");
    }

    private static void assertTable(LogicGate gate, int y00, int y01, int y10, int y11) {
        Dataset table = Synthetic.logic(gate, 4);
        float[][] inputs = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
        int[] outputs = {y00, y01, y10, y11};
        float[] row = new float[2];
        float[] target = new float[1];
        assertEquals(1, table.targetCount());
        for (int i = 0; i < 4; i++) {
            table.features(i, row, 0);
            table.target(i, target, 0);
            assertArrayEquals(inputs[i], row, gate + " row " + i);
            assertEquals(outputs[i], table.label(i), gate + " row " + i);
            assertEquals(outputs[i], target[0], gate + " target " + i);
        }
    }

    /** Every feature of every sample, then every label (as float). */
    private static float[] all(Dataset set) {
        float[] all = new float[set.size() * (set.featureCount() + 1)];
        for (int i = 0; i < set.size(); i++) {
            set.features(i, all, i * set.featureCount());
            all[set.size() * set.featureCount() + i] = set.label(i);
        }
        return all;
    }
}
