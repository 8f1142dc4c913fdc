// Conv-net layer specs: what they accept, and errors that name the field and the bad value.
package io.neurostream.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.neurostream.core.layers.Conv2D;
import io.neurostream.core.net.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConvSpecTest {

    private static ModelSpec spec(String input, String layer) {
        return ModelSpec.parse("""
                {"name": "m", "input": {"shape": %s},
                 "layers": [%s, {"type": "dense", "units": 2, "activation": "softmax"}],
                 "loss": "cross_entropy", "optimizer": {"type": "sgd"}}
                """.formatted(input, layer));
    }

    @Test
    void paddingIsSameValidOrAnInteger() {
        assertEquals(Conv2D.SAME, ((Conv2DSpec) spec("[1, 8, 8]", "{\"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3, \"padding\": \"same\"}").layers().get(0)).padding());
        assertEquals(0, ((Conv2DSpec) spec("[1, 8, 8]", "{\"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3, \"padding\": \"valid\"}").layers().get(0)).padding());
        assertEquals(2, ((Conv2DSpec) spec("[1, 8, 8]", "{\"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3, \"padding\": 2}").layers().get(0)).padding());
        assertEquals(0, ((Conv2DSpec) spec("[1, 8, 8]", "{\"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3}").layers().get(0)).padding());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "[1, 8, 8] | {\"type\": \"conv2d\", \"filters\": 0, \"kernel\": 3}                         | layers[0].filters: must be >= 1, got 0",
        "[1, 8, 8] | {\"type\": \"conv2d\", \"filters\": 2}                                        | layers[0].kernel: missing required field",
        "[1, 8, 8] | {\"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3, \"padding\": \"full\"}  | layers[0].padding: unknown value \"full\"; expected one of same, valid",
        "[1, 8, 8] | {\"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3, \"padding\": -1}        | layers[0].padding: must be >= 0, got -1",
        "[1, 8, 8] | {\"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3, \"padding\": 1.5}       | layers[0].padding: expected an integer or one of same, valid, got 1.5",
        "[1, 8, 8] | {\"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3, \"stride\": 0}         | layers[0].stride: must be >= 1, got 0",
        "[1, 8, 8] | {\"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3, \"kernal\": 3}         | layers[0].kernal: unknown field; known fields here: type, filters, kernel, stride, padding, activation, alpha",
        "[1, 8, 8] | {\"type\": \"max_pool2d\", \"window\": 0}                                   | layers[0].window: must be >= 1, got 0",
        "[1, 8, 8] | {\"type\": \"dropout\", \"rate\": 1.0}                                       | layers[0].rate: must be in [0.0, 0.99], got 1.0",
        "[1, 8, 8] | {\"type\": \"dropout\"}                                                     | layers[0].rate: missing required field",
        "[1, 8, 8] | {\"type\": \"batch_norm\", \"momentum\": 1.5}                               | layers[0].momentum: must be in [0.0, 0.999999], got 1.5",
        "[1, 8, 8] | {\"type\": \"flatten\", \"size\": 3}                                        | layers[0].size: unknown field; known fields here: type"
    })
    void badFieldsAreNamed(String input, String layer, String message) {
        SpecException e = assertThrows(SpecException.class, () -> spec(input, layer));
        assertEquals(message.strip(), e.getMessage().strip());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "[784]     | {\"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3} | layers[0]: conv2d needs [C, H, W] input, got [784] (an image input is e.g. \"shape\": [1, 28, 28])",
        "[1, 4, 4] | {\"type\": \"conv2d\", \"filters\": 2, \"kernel\": 5} | layers[0].kernel: a 5x5 kernel with padding 0 does not fit input [1, 4, 4]",
        "[1, 4, 4] | {\"type\": \"max_pool2d\", \"window\": 5}            | layers[0].window: must fit the input [1, 4, 4], got 5",
        "[784]     | {\"type\": \"max_pool2d\", \"window\": 2}            | layers[0]: max_pool2d needs [C, H, W] input, got [784]",
        "[2, 3]    | {\"type\": \"batch_norm\"}                          | layers[0]: batch_norm needs [C] or [C, H, W] input, got [2, 3]"
    })
    void shapesThatDoNotFitAreNamed(String input, String layer, String message) {
        ModelSpec spec = spec(input, layer);
        SpecException e = assertThrows(SpecException.class, () -> Network.create(spec));
        assertEquals(message.strip(), e.getMessage());
    }
}
