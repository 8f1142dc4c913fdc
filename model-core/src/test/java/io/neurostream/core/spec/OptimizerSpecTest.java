// The optimizer section: learning-rate schedules, and errors that name the field and the bad value.
package io.neurostream.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.neurostream.core.optim.Optimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OptimizerSpecTest {

    private static ModelSpec spec(String optimizer) {
        return ModelSpec.parse("""
                {"name": "m", "input": {"shape": [2]},
                 "layers": [{"type": "dense", "units": 2, "activation": "softmax"}],
                 "loss": "cross_entropy", "optimizer": %s}
                """.formatted(optimizer));
    }

    @Test
    void annealStepsGiveACosineScheduleToAFloorOfOnePercentByDefault() {
        Optimizer adam = spec("{\"type\": \"adam\", \"learning_rate\": 0.002, \"anneal_steps\": 1875}").optimizer().create();
        assertEquals(0.002, adam.learningRate(1), 1e-18);
        assertEquals(0.00002, adam.learningRate(1876), 1e-18);
        Optimizer sgd = spec("{\"type\": \"sgd\", \"learning_rate\": 0.1, \"anneal_steps\": 10, \"final_learning_rate\": 0.05}").optimizer().create();
        assertEquals(0.05, sgd.learningRate(11), 1e-15);
        assertEquals(0.1, spec("{\"type\": \"sgd\", \"learning_rate\": 0.1}").optimizer().create().learningRate(1_000), 0, "constant by default");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "{\"type\": \"adam\", \"anneal_steps\": 100, \"learning_rate_decay\": 0.01} | optimizer.anneal_steps: is an alternative to learning_rate_decay; set one (got 100 and 0.01)",
        "{\"type\": \"adam\", \"anneal_steps\": -1}                                  | optimizer.anneal_steps: must be >= 0, got -1",
        "{\"type\": \"adam\", \"anneal_steps\": 10, \"final_learning_rate\": 0.01}   | optimizer.final_learning_rate: must be in [0.0, 0.001], got 0.01",
        "{\"type\": \"adam\", \"final_learning_rate\": 0.0001}                        | optimizer.final_learning_rate: is the floor of a cosine anneal; it needs anneal_steps"
    })
    void badSchedulesAreNamed(String optimizer, String message) {
        SpecException e = assertThrows(SpecException.class, () -> spec(optimizer));
        assertEquals(message.strip(), e.getMessage().strip());
    }
}
