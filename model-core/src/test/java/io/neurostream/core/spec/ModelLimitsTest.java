// Specs that parse but would not fit in memory, or that would crash the JSON reader, are one-line spec errors before anything is allocated.
package io.neurostream.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.net.Network;
import io.neurostream.core.tensor.Shape;
import org.junit.jupiter.api.Test;

class ModelLimitsTest {

    private static String spec(String input, String layers) {
        return """
                {"name": "m", "input": {"shape": %s}, "layers": [%s],
                 "loss": "cross_entropy", "optimizer": {"type": "sgd"}, "batch_size": 32}
                """.formatted(input, layers);
    }

    private static void assertOneLine(String message) {
        assertFalse(message.contains("\n"), "one line: " + message);
    }

    @Test
    void shouldCountParametersFromLayerDeclarationsAsTheBuiltNetworkDoes() {
        for (String name : Presets.names()) {
            ModelSpec spec = Presets.load(name);
            Network net = Network.create(spec);
            assertEquals(net.params().trainableCount(), ModelFootprint.of(spec).trainable(), name);
            assertEquals(net.params().trainableCount() + net.params().stateCount(), ModelFootprint.of(spec).parameters(), name);
        }
    }

    @Test
    void shouldMeasureAPresetAsItsNetworkAllocatesIt() {
        ModelSpec mnist = Presets.load("mnist-mlp");
        ModelFootprint footprint = ModelFootprint.of(mnist);
        Network net = Network.create(mnist);
        assertEquals(net.params().trainableCount() + net.params().stateCount(), footprint.parameters());
        assertEquals(net.params().trainableCount(), footprint.trainable());
        assertTrue(footprint.activationBytes() > 2L * 32 * (784 + 10) * 4, "activations " + footprint.activationBytes());
        assertEquals(footprint, ModelLimits.DEFAULTS.check(mnist));
    }

    /**
     * An LSTM allocates z and dL/dz, [T, 4H] per sample, in ND4J arrays and on the heap: far more than its
     * output [T, H]. char-lstm's batch of 32 counts them (and stays far under the default limit); a long
     * sequence over a wide layer that fits by its outputs alone is refused.
     */
    @Test
    void shouldCountAnLstmsWorkspaces() {
        ModelSpec charLstm = Presets.load("char-lstm");
        long zAndDz = 4L * 32 * 64 * 4 * 128 * 4;
        assertTrue(ModelFootprint.of(charLstm).activationBytes() > zAndDz, "activations " + ModelFootprint.of(charLstm).activationBytes());
        assertEquals(ModelFootprint.of(charLstm), ModelLimits.DEFAULTS.check(charLstm));
        ModelSpec longWide = ModelSpec.parse("""
                {"name": "long-wide", "input": {"shape": [2000], "vocabulary": 50}, "batch_size": 32,
                 "layers": [{"type": "one_hot"}, {"type": "lstm", "units": 256}, {"type": "dense", "units": 50, "activation": "softmax"}],
                 "loss": "cross_entropy", "optimizer": {"type": "adam"}}
                """);
        long outputsOnly = 2L * 32 * 2000 * (50 + 50 + 256 + 50) * 4 + 2L * 32 * 2000 * 4;
        assertTrue(outputsOnly < ModelLimits.DEFAULT_MAX_ACTIVATION_BYTES, "the outputs alone fit: " + outputsOnly);
        SpecException e = assertThrows(SpecException.class, () -> ModelLimits.DEFAULTS.check(longWide));
        assertTrue(e.getMessage().startsWith("batch_size: one batch of 32 needs "), e.getMessage());
    }

    /** Workspaces too large to count in 64 bits are a spec error of the layer, not a count that wrapped round. */
    @Test
    void shouldNameAnLstmWhoseWorkspacesOverflowTheCount() {
        ModelSpec huge = ModelSpec.parse(spec("[2147483647]", "{\"type\": \"lstm\", \"units\": 268435456}"
                + ", {\"type\": \"dense\", \"units\": 2, \"activation\": \"softmax\"}").replace("\"shape\": [2147483647]",
                "\"shape\": [2147483647], \"vocabulary\": 2").replace("\"layers\": [", "\"layers\": [{\"type\": \"one_hot\"}, "));
        SpecException e = assertThrows(SpecException.class, () -> ModelFootprint.of(huge));
        assertTrue(e.getMessage().startsWith("layers[1]"), e.getMessage());
        assertOneLine(e.getMessage());
    }

    @Test
    void shouldRejectAHugeDenseLayerBeforeAllocatingIt() {
        ModelSpec huge = ModelSpec.parse(spec("[784]", "{\"type\": \"dense\", \"units\": 200000000, \"activation\": \"softmax\"}"));
        assertEquals(784L * 200_000_000 + 200_000_000, ModelFootprint.of(huge).parameters());
        SpecException e = assertThrows(SpecException.class, () -> ModelLimits.DEFAULTS.check(huge));
        assertEquals("layers: 157,000,000,000 parameters, more than the limit of 10,000,000 (neurostream.model.max.parameters)", e.getMessage());
    }

    @Test
    void shouldRejectActivationsOverTheirLimit() {
        ModelSpec wide = ModelSpec.parse(spec("[4096]", "{\"type\": \"dense\", \"units\": 2, \"activation\": \"softmax\"}"));
        SpecException e = assertThrows(SpecException.class, () -> new ModelLimits(1_000_000, 1 << 20).check(wide));
        assertTrue(e.getMessage().startsWith("batch_size: one batch of 32 needs 1,049,600 bytes of activations, more than the limit of 1,048,576"),
                e.getMessage());
    }

    @Test
    void shouldNameTheLayerThatDoesNotFitItsInput() {
        ModelSpec conv = ModelSpec.parse(spec("[2]", "{\"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3}, {\"type\": \"dense\", \"units\": 2}"));
        SpecException e = assertThrows(SpecException.class, () -> ModelFootprint.of(conv));
        assertTrue(e.getMessage().startsWith("layers[0]"), e.getMessage());
        assertOneLine(e.getMessage());
    }

    @Test
    void shouldCountInSixtyFourBitsWhereAnIntWouldOverflow() {
        assertEquals(65_536L * 65_536 * 65_536, Shape.of(65_536, 65_536, 65_536).count());
        assertThrows(IllegalArgumentException.class, () -> Shape.of(65_536, 65_536).size());
        ModelSpec big = ModelSpec.parse(spec("[65536, 65536, 65536]", "{\"type\": \"dense\", \"units\": 2, \"activation\": \"softmax\"}"));
        SpecException e = assertThrows(SpecException.class, () -> ModelLimits.DEFAULTS.check(big));
        assertTrue(e.getMessage().startsWith("layers[0]: shape [65536, 65536, 65536] has 281474976710656 values"), e.getMessage());
        String maxout = spec("[2]", "{\"type\": \"dense\", \"units\": 2000000000, \"activation\": \"maxout\", \"pieces\": 2}");
        SpecException pieces = assertThrows(SpecException.class, () -> ModelSpec.parse(maxout));
        assertEquals("layers[0].pieces: units x pieces must be at most 2147483647, got 2000000000 x 2", pieces.getMessage());
    }

    @Test
    void shouldTurnJsonReaderLimitsIntoOneLineSpecErrors() {
        String deep = "{\"name\": \"m\", \"description\": " + "[".repeat(3000) + "]".repeat(3000) + "}";
        SpecException nested = assertThrows(SpecException.class, () -> ModelSpec.parse(deep));
        assertTrue(nested.getMessage().startsWith("not valid JSON: Document nesting depth (65) exceeds the maximum allowed (64"), nested.getMessage());
        assertOneLine(nested.getMessage());

        String longNumber = spec("[2]", "{\"type\": \"dense\", \"units\": " + "9".repeat(1500) + "}");
        SpecException number = assertThrows(SpecException.class, () -> ModelSpec.parse(longNumber));
        assertTrue(number.getMessage().startsWith("not valid JSON: Number value length"), number.getMessage());
        assertOneLine(number.getMessage());
    }
}
