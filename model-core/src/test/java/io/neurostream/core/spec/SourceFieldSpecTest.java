package io.neurostream.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SourceFieldSpecTest {
    private static String spec(String sourceField) {
        return """
                {"name": "m", "input": {"shape": [2]},
                 "layers": [{"type": "dense", "units": 2, "activation": "softmax"}],
                 "loss": "cross_entropy", "optimizer": {"type": "sgd", "learning_rate": 0.1}%s}
                """.formatted(sourceField);
    }

    @Test
    void sourceDefaultsToTheModelsOwnName() {
        assertEquals("m", ModelSpec.parse(spec("")).source());
    }

    @Test
    void sourceNamesTheStream() {
        assertEquals("digits", ModelSpec.parse(spec(", \"source\": \"digits\"")).source());
    }

    @Test
    void sourceFollowsTheRulesOfANameAndSaysWhere() {
        SpecException e = assertThrows(SpecException.class, () -> ModelSpec.parse(spec(", \"source\": \"no spaces\"")));
        assertEquals("source: must be 1-128 letters, digits, '.', '_' or '-' starting with a letter or digit, got \"no spaces\"", e.getMessage());
        assertThrows(SpecException.class, () -> ModelSpec.parse(spec(", \"source\": 7")));
    }
}
