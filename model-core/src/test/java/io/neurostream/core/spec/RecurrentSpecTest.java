// Recurrent and token layers in JSON specs: what parses, and errors that name the field and the bad value.
package io.neurostream.core.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.net.Network;
import io.neurostream.core.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecurrentSpecTest {

    private static String spec(String input, String layers) {
        return """
                {"name": "seq", "input": %s, "layers": [%s], "loss": "cross_entropy", "optimizer": {"type": "adam"}}
                """.formatted(input, layers);
    }

    @Test
    void charLstmPresetBuildsASequenceToSequenceNet() {
        Network net = Network.create(Presets.load("char-lstm"));
        assertEquals(Shape.of(64), net.inputShape());
        assertEquals(Shape.of(64, 65), net.outputShape());
        assertTrue(net.params().trainableCount() > 100_000, "parameters: " + net.params().trainableCount());
    }

    @Test
    void deepBidirectionalStackHasNamedParametersPerDirection() {
        Network net = Network.create(ModelSpec.parse(spec("{\"shape\": [10], \"vocabulary\": 5}", """
                {"type": "embedding", "units": 4},
                {"type": "bidirectional", "layer": {"type": "lstm", "units": 6, "return_sequences": true}},
                {"type": "bidirectional", "layer": {"type": "simple_rnn", "units": 3}},
                {"type": "dense", "units": 2, "activation": "softmax"}""")));
        assertEquals(Shape.of(2), net.outputShape());
        assertArrayEquals(new long[] {4, 24}, net.params().value("1.backward.Wx").shape());
        assertArrayEquals(new long[] {12, 3}, net.params().value("2.forward.Wx").shape(), "the upper layer reads both directions");
        assertArrayEquals(new long[] {3, 3}, net.params().value("2.backward.Wh").shape());
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"shape\": [10, 3]} | {\"type\": \"lstm\", \"units\": 0} | layers[0].units: must be >= 1, got 0",
        "{\"shape\": [10, 3]} | {\"type\": \"lstm\", \"units\": 4, \"truncation\": -2} | layers[0].truncation: must be >= 0, got -2",
        "{\"shape\": [10, 3]} | {\"type\": \"lstm\", \"units\": 4, \"return_sequence\": true} | layers[0].return_sequence: unknown field",
        "{\"shape\": [10, 3]} | {\"type\": \"lstm\", \"units\": 4, \"return_sequences\": \"yes\"} | layers[0].return_sequences: expected true or false, got \"yes\"",
        "{\"shape\": [10, 3]} | {\"type\": \"bidirectional\", \"layer\": {\"type\": \"dense\", \"units\": 4}} | layers[0].layer.type: unknown value \"dense\"; expected one of simple_rnn, lstm",
        "{\"shape\": [10, 3]} | {\"type\": \"bidirectional\"} | layers[0].layer: missing required field",
        "{\"shape\": [10, 3]} | {\"type\": \"embedding\"} | layers[0].units: missing required field",
        "{\"shape\": [10], \"vocabulary\": 0} | {\"type\": \"one_hot\"} | input.vocabulary: must be >= 1, got 0"
    })
    void parseErrorsNameTheFieldAndTheValue(String input, String layer, String message) {
        SpecException e = assertThrows(SpecException.class, () -> ModelSpec.parse(spec(input, layer)));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"shape\": [784]} | {\"type\": \"lstm\", \"units\": 4} | layers[0]: lstm needs a sequence input [T, D], got [784]",
        "{\"shape\": [10], \"vocabulary\": 5} | {\"type\": \"simple_rnn\", \"units\": 4} | layers[0]: simple_rnn needs a sequence input [T, D], got [10]; token inputs need a one_hot or embedding layer first",
        "{\"shape\": [10, 3]} | {\"type\": \"one_hot\"} | layers[0]: one_hot needs a token input (input.shape [T] and input.vocabulary), got input shape [10, 3] without a vocabulary",
        "{\"shape\": [784]} | {\"type\": \"embedding\", \"units\": 4} | layers[0]: embedding needs a token input",
        "{\"shape\": [10, 3]} | {\"type\": \"time_distributed\", \"activation\": \"softmax\"} | layers[0].units: missing required field (it defaults to input.vocabulary only for token inputs)",
        "{\"shape\": [10, 3]} | {\"type\": \"bidirectional\", \"layer\": {\"type\": \"lstm\", \"units\": 2}}, {\"type\": \"lstm\", \"units\": 2} | layers[1]: lstm needs a sequence input [T, D], got [4]"
    })
    void buildErrorsNameTheLayerAndTheShape(String input, String layers, String message) {
        ModelSpec spec = ModelSpec.parse(spec(input, layers));
        SpecException e = assertThrows(SpecException.class, () -> Network.create(spec));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }
}
