package io.neurostream.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.drift.DriftSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriftFieldSpecTest {
    private static String spec(String loss, String driftField) {
        return """
                {"name": "m", "input": {"shape": [2]},
                 "layers": [{"type": "dense", "units": 2, "activation": "softmax"}],
                 "loss": "%s", "optimizer": {"type": "sgd", "learning_rate": 0.1}%s}
                """.formatted(loss, driftField);
    }

    @Test
    void absentDriftDefaultsToAdwinForClassifiersAndOffForRegression() {
        assertEquals(DriftSpec.DEFAULT, ModelSpec.parse(spec("cross_entropy", "")).drift());
        assertEquals(DriftSpec.DEFAULT, ModelSpec.parse(spec("binary_cross_entropy", "")).drift());
        assertEquals(DriftSpec.OFF, ModelSpec.parse(spec("half_squared_error", "")).drift());
        assertFalse(ModelSpec.parse(spec("mean_squared_error", "")).drift().enabled());
    }

    @Test
    void driftSectionIsParsed() {
        ModelSpec s = ModelSpec.parse(spec("cross_entropy", ", \"drift\": {\"detector\": \"adwin\", \"reaction\": \"reset_head\"}"));
        assertEquals(DriftSpec.ADWIN, s.drift().detector());
        assertEquals(DriftSpec.RESET_HEAD, s.drift().reaction());
        assertTrue(s.drift().enabled());
        assertEquals(DriftSpec.PAGE_HINKLEY,
                ModelSpec.parse(spec("half_squared_error", ", \"drift\": \"page_hinkley\"")).drift().detector());
        assertFalse(ModelSpec.parse(spec("cross_entropy", ", \"drift\": \"off\"")).drift().enabled());
    }

    @Test
    void driftSurvivesOverrides() {
        ModelSpec s = ModelSpec.parse(spec("cross_entropy", ", \"drift\": {\"detector\": \"adwin\", \"reaction\": \"reset_optimizer\"}"));
        assertEquals(s.drift(), s.with(Map.of("seed", 7)).drift());
    }

    @Test
    void driftErrorsAreOneLineAndNameTheField() {
        SpecException adwinOnRegression = assertThrows(SpecException.class,
                () -> ModelSpec.parse(spec("half_squared_error", ", \"drift\": {\"detector\": \"adwin\"}")));
        assertTrue(adwinOnRegression.getMessage().contains("drift.detector"), adwinOnRegression.getMessage());
        SpecException badReaction = assertThrows(SpecException.class,
                () -> ModelSpec.parse(spec("cross_entropy", ", \"drift\": {\"detector\": \"adwin\", \"reaction\": \"panic\"}")));
        assertTrue(badReaction.getMessage().contains("drift.reaction"), badReaction.getMessage());
        for (SpecException e : new SpecException[] {adwinOnRegression, badReaction}) {
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void everyPresetParsesWithItsDefaultDrift() {
        for (String name : Presets.names()) {
            ModelSpec s = Presets.load(name);
            boolean classifier = s.loss().equals("cross_entropy") || s.loss().equals("binary_cross_entropy");
            assertEquals(DriftSpec.defaultFor(classifier), s.drift(), name);
        }
    }
}
