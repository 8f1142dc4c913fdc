// The drift section of a spec: defaults, the detector's parameters, the shorthand, and one-line errors naming the field.
package io.neurostream.core.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurostream.core.spec.SpecException;
import org.junit.jupiter.api.Test;

class DriftSpecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static DriftSpec parse(String text) {
        return DriftSpec.parse(json(text), "drift", true);
    }

    private static String error(String text, boolean classifier) {
        return assertThrows(SpecException.class, () -> DriftSpec.parse(json(text), "drift", classifier)).getMessage();
    }

    @Test
    void shouldGiveAClassifierAdwinThatOnlyReportsAndARegressionModelNothing() {
        assertEquals(DriftSpec.DEFAULT, DriftSpec.parse(null, "drift", true));
        assertEquals(DriftSpec.OFF, DriftSpec.parse(null, "drift", false));
        assertEquals(DriftSpec.ADWIN, DriftSpec.DEFAULT.detector());
        assertEquals(DriftSpec.NONE, DriftSpec.DEFAULT.reaction());
        assertEquals(DriftSpec.Input.ERROR, DriftSpec.DEFAULT.input());
        Adwin adwin = assertInstanceOf(Adwin.class, DriftSpec.DEFAULT.create());
        assertEquals(0.002, adwin.delta());
        assertFalse(DriftSpec.OFF.enabled());
        assertThrows(IllegalStateException.class, DriftSpec.OFF::create);
    }

    @Test
    void shouldReadEachDetectorsParameters() {
        DriftSpec adwin = parse("{\"detector\": \"adwin\", \"delta\": 0.01, \"clock\": 1, \"max_buckets\": 7, \"min_window_length\": 3,"
                + " \"grace_period\": 50, \"reaction\": \"reset_optimizer\"}");
        assertEquals(new DriftSpec("adwin", "reset_optimizer", 0.01, 1, 7, 3, 50, 30, 50.0, 1 - 0.0001, "up"), adwin);

        DriftSpec ph = parse("{\"detector\": \"page_hinkley\", \"threshold\": 20, \"alpha\": 1, \"mode\": \"both\", \"reaction\": \"reset_head\"}");
        assertEquals(PageHinkley.DEFAULT_DELTA, ph.delta(), "page_hinkley's own default delta, not adwin's");
        assertEquals(20.0, ph.threshold());
        assertEquals(1.0, ph.alpha());
        assertEquals("both", ph.mode());
        assertEquals(DriftSpec.Input.LOSS, ph.input());
        assertInstanceOf(PageHinkley.class, ph.create());
        assertEquals(ph, DriftSpec.parse(json("{\"detector\": \"page_hinkley\", \"threshold\": 20, \"alpha\": 1, \"mode\": \"both\","
                + " \"reaction\": \"reset_head\"}"), "drift", false), "page_hinkley suits a regression model too");
    }

    @Test
    void shouldTellWhetherARestoredDetectorStillMatchesTheSpec() {
        DriftSpec ph = parse("{\"detector\": \"page_hinkley\", \"threshold\": 20}");
        assertTrue(DriftSpec.DEFAULT.configures(new Adwin()));
        assertTrue(ph.configures(ph.create()));
        assertFalse(ph.configures(DriftSpec.DEFAULT.create()), "another kind");
        assertFalse(DriftSpec.DEFAULT.configures(ph.create()), "another kind");
        assertFalse(parse("{\"detector\": \"page_hinkley\", \"threshold\": 30}").configures(ph.create()), "another threshold");
        assertFalse(parse("{\"detector\": \"adwin\", \"delta\": 0.01}").configures(new Adwin()), "another delta");
        assertFalse(DriftSpec.OFF.configures(new Adwin()));
        assertTrue(parse("{\"detector\": \"adwin\", \"reaction\": \"reset_weights\"}").configures(new Adwin()), "the reaction is not the detector's");
    }

    @Test
    void shouldAcceptADetectorNameAlone() {
        assertEquals(DriftSpec.OFF, parse("\"off\""));
        assertEquals(DriftSpec.DEFAULT, parse("\"adwin\""));
        assertEquals(PageHinkley.DEFAULT_DELTA, parse("\"page_hinkley\"").delta());
        assertEquals(DriftSpec.OFF, parse("{\"detector\": \"off\"}"));
    }

    @Test
    void shouldNameTheFieldInEveryError() {
        assertEquals("drift.detector: unknown value \"adwn\"; expected one of adwin, page_hinkley, off", error("{\"detector\": \"adwn\"}", true));
        assertEquals("drift.detector: missing required field; expected one of adwin, page_hinkley, off", error("{\"delta\": 0.1}", true));
        assertEquals("drift.delta: must be in (0, 1), got 1.5", error("{\"detector\": \"adwin\", \"delta\": 1.5}", true));
        assertEquals("drift.clock: must be in [1, 2147483647], got 0", error("{\"detector\": \"adwin\", \"clock\": 0}", true));
        assertEquals("drift.clock: expected an integer, got \"32\"", error("{\"detector\": \"adwin\", \"clock\": \"32\"}", true));
        assertEquals("drift.threshold: unknown field for detector adwin; known fields here: detector, reaction, delta, clock, max_buckets,"
                + " min_window_length, grace_period", error("{\"detector\": \"adwin\", \"threshold\": 10}", true));
        assertEquals("drift.threshold: must be > 0, got 0", error("{\"detector\": \"page_hinkley\", \"threshold\": 0}", true));
        assertEquals("drift.reaction: unknown value \"retrain\"; expected one of none, reset_optimizer, reset_weights, reset_head",
                error("{\"detector\": \"adwin\", \"reaction\": \"retrain\"}", true));
        assertEquals("drift.reaction: needs a detector; detector is off, got \"reset_weights\"",
                error("{\"detector\": \"off\", \"reaction\": \"reset_weights\"}", true));
        assertEquals("drift: unknown detector \"on\"; expected one of adwin, page_hinkley, off or an object", error("\"on\"", true));
        assertEquals("drift: expected an object or a detector name, got 3", error("3", true));
        assertEquals("drift.detector: adwin watches a classifier's 0/1 error; a regression model needs page_hinkley or off",
                error("{\"detector\": \"adwin\"}", false));
        assertEquals("drift: adwin watches a classifier's 0/1 error; a regression model needs page_hinkley or off", error("\"adwin\"", false));
    }
}
