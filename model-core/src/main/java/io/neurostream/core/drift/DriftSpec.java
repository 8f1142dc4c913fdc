// The drift section of a model spec: which detector watches the model's live figures, its parameters, and what the
// training processor does when it fires.
package io.neurostream.core.drift;

import com.fasterxml.jackson.databind.JsonNode;
import io.neurostream.core.spec.SpecException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Immutable; fields not used by the chosen detector keep their defaults. In JSON:
 * <pre>
 *   "drift": {"detector": "adwin", "delta": 0.002, "reaction": "reset_optimizer"}
 *   "drift": {"detector": "page_hinkley", "threshold": 20, "reaction": "none"}
 *   "drift": "off"                      (shorthand for {"detector": "off"}; "adwin" and "page_hinkley" too)
 * </pre>
 * ADWIN reads the 0/1 prequential error (classifiers only), Page-Hinkley the per-sample loss ({@link #input()}).
 * Without a drift section a classifier gets {@link #DEFAULT}: ADWIN with reaction none (it reports, it changes
 * nothing); a regression model gets {@link #OFF} ({@link #defaultFor}).
 *
 * @param detector        {@link #ADWIN}, {@link #PAGE_HINKLEY} or {@link #OFF_NAME}
 * @param reaction        one of {@link #REACTIONS}
 * @param delta           ADWIN's confidence or Page-Hinkley's tolerated change (the defaults differ)
 * @param clock           ADWIN: check every this many values
 * @param maxBuckets      ADWIN: buckets per histogram row
 * @param minWindowLength ADWIN: values each sub-window needs
 * @param gracePeriod     ADWIN: values before the first check
 * @param minInstances    Page-Hinkley: values before the first detection
 * @param threshold       Page-Hinkley: lambda
 * @param alpha           Page-Hinkley: fading factor
 * @param mode            Page-Hinkley: "up", "down" or "both"
 */
public record DriftSpec(String detector, String reaction, double delta, int clock, int maxBuckets, int minWindowLength,
                        int gracePeriod, int minInstances, double threshold, double alpha, String mode) {
    public static final String ADWIN = Adwin.NAME;
    public static final String PAGE_HINKLEY = PageHinkley.NAME;
    public static final String OFF_NAME = "off";
    public static final List<String> DETECTORS = List.of(ADWIN, PAGE_HINKLEY, OFF_NAME);

    /** Report only: the event, the counter, the marker; the model is untouched. */
    public static final String NONE = "none";
    /** Restart the optimizer: moments (Adam, momentum) cleared and the learning-rate schedule back at step 0. */
    public static final String RESET_OPTIMIZER = "reset_optimizer";
    /** Fresh initialisation of every parameter from the model's own generator, and a fresh optimizer. */
    public static final String RESET_WEIGHTS = "reset_weights";
    /**
     * Fresh initialisation of the last trainable layer only (from the model's generator) and a fresh optimizer: when
     * the concept changes (P(y|x), e.g. relabelled classes) the learnt features still hold and only the read-out
     * must be relearnt, which a linear layer does in a few hundred samples.
     */
    public static final String RESET_HEAD = "reset_head";
    public static final List<String> REACTIONS = List.of(NONE, RESET_OPTIMIZER, RESET_WEIGHTS, RESET_HEAD);

    /** The input a detector reads. */
    public enum Input {
        /** 1 for a wrong prediction, 0 for a right one (classifiers). */
        ERROR,
        /** The sample's loss. */
        LOSS
    }

    /** ADWIN at River's defaults, reaction none: what a classifier gets without a drift section. */
    public static final DriftSpec DEFAULT = new DriftSpec(ADWIN, NONE, Adwin.DEFAULT_DELTA, Adwin.DEFAULT_CLOCK, Adwin.DEFAULT_MAX_BUCKETS,
            Adwin.DEFAULT_MIN_WINDOW_LENGTH, Adwin.DEFAULT_GRACE_PERIOD, PageHinkley.DEFAULT_MIN_INSTANCES, PageHinkley.DEFAULT_THRESHOLD,
            PageHinkley.DEFAULT_ALPHA, PageHinkley.DEFAULT_MODE.specName());
    /** No detection. */
    public static final DriftSpec OFF = new DriftSpec(OFF_NAME, NONE, DEFAULT.delta, DEFAULT.clock, DEFAULT.maxBuckets, DEFAULT.minWindowLength,
            DEFAULT.gracePeriod, DEFAULT.minInstances, DEFAULT.threshold, DEFAULT.alpha, DEFAULT.mode);

    public DriftSpec {
        if (!DETECTORS.contains(detector)) {
            throw new IllegalArgumentException("drift detector must be one of " + DETECTORS + ", got \"" + detector + "\"");
        }
        if (!REACTIONS.contains(reaction)) {
            throw new IllegalArgumentException("drift reaction must be one of " + REACTIONS + ", got \"" + reaction + "\"");
        }
        if (detector.equals(OFF_NAME) && !reaction.equals(NONE)) {
            throw new IllegalArgumentException("drift reaction " + reaction + " needs a detector; detector is off");
        }
    }

    /** The spec a model gets without a drift section: {@link #DEFAULT} for a classifier, {@link #OFF} otherwise. */
    public static DriftSpec defaultFor(boolean classifier) {
        return classifier ? DEFAULT : OFF;
    }

    public boolean enabled() {
        return !detector.equals(OFF_NAME);
    }

    /** What the detector reads: the 0/1 error for ADWIN, the loss for Page-Hinkley. */
    public Input input() {
        if (!enabled()) {
            throw new IllegalStateException("drift detection is off");
        }
        return detector.equals(ADWIN) ? Input.ERROR : Input.LOSS;
    }

    /** A fresh detector for this spec. */
    public DriftDetector create() {
        return switch (detector) {
            case ADWIN -> new Adwin(delta, clock, maxBuckets, minWindowLength, gracePeriod);
            case PAGE_HINKLEY -> new PageHinkley(minInstances, delta, threshold, alpha, PageHinkley.Mode.of(mode));
            default -> throw new IllegalStateException("drift detection is off");
        };
    }

    /**
     * Whether a detector (e.g. one restored from a snapshot) is what this spec asks for: same kind, same parameters.
     * When the spec changed, the caller starts a fresh detector from {@link #create()} instead.
     */
    public boolean configures(DriftDetector d) {
        if (d instanceof Adwin a) {
            return detector.equals(ADWIN) && a.delta() == delta && a.clock() == clock && a.maxBuckets() == maxBuckets
                    && a.minWindowLength() == minWindowLength && a.gracePeriod() == gracePeriod;
        }
        PageHinkley p = (PageHinkley) d;
        return detector.equals(PAGE_HINKLEY) && p.minInstances() == minInstances && p.delta() == delta && p.threshold() == threshold
                && p.alpha() == alpha && p.mode().specName().equals(mode);
    }

    /**
     * Parses a drift section: an object, or a detector name alone; null (no section) gives {@link #defaultFor}. Every
     * problem is a one-line {@link SpecException} naming the field under {@code path}, including ADWIN on a regression
     * model (it watches a classifier's 0/1 error).
     *
     * @param path       where the section is in the model spec, e.g. "drift"
     * @param classifier whether the model predicts classes (its loss is a cross-entropy)
     */
    public static DriftSpec parse(JsonNode node, String path, boolean classifier) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return defaultFor(classifier);
        }
        DriftSpec spec = parseSection(node, path);
        if (spec.detector.equals(ADWIN) && !classifier) {
            throw new SpecException(node.isObject() ? (path.isEmpty() ? "detector" : path + ".detector") : path,
                    "adwin watches a classifier's 0/1 error; a regression model needs page_hinkley or off");
        }
        return spec;
    }

    private static DriftSpec parseSection(JsonNode node, String path) {
        if (node.isTextual()) {
            String detector = node.asText();
            if (!DETECTORS.contains(detector)) {
                throw new SpecException(path, "unknown detector \"" + detector + "\"; expected one of " + String.join(", ", DETECTORS)
                        + " or an object");
            }
            return with(DEFAULT, detector, NONE);
        }
        Fields f = new Fields(node, path);
        String detector = f.choice("detector", DETECTORS);
        String reaction = f.has("reaction") ? f.choice("reaction", REACTIONS) : NONE;
        if (detector.equals(OFF_NAME) && !reaction.equals(NONE)) {
            throw new SpecException(f.pathOf("reaction"), "needs a detector; detector is off, got \"" + reaction + "\"");
        }
        DriftSpec d = with(DEFAULT, detector, reaction);
        switch (detector) {
            case ADWIN -> d = new DriftSpec(ADWIN, reaction,
                    f.number("delta", Adwin.DEFAULT_DELTA, Double.MIN_VALUE, Math.nextDown(1.0), "in (0, 1)"),
                    f.integer("clock", Adwin.DEFAULT_CLOCK, 1, Integer.MAX_VALUE),
                    f.integer("max_buckets", Adwin.DEFAULT_MAX_BUCKETS, 2, Adwin.MAX_MAX_BUCKETS),
                    f.integer("min_window_length", Adwin.DEFAULT_MIN_WINDOW_LENGTH, 1, Integer.MAX_VALUE),
                    f.integer("grace_period", Adwin.DEFAULT_GRACE_PERIOD, 0, Integer.MAX_VALUE),
                    d.minInstances, d.threshold, d.alpha, d.mode);
            case PAGE_HINKLEY -> {
                int minInstances = f.integer("min_instances", PageHinkley.DEFAULT_MIN_INSTANCES, 1, Integer.MAX_VALUE);
                double delta = f.number("delta", PageHinkley.DEFAULT_DELTA, 0.0, Double.MAX_VALUE, ">= 0");
                double threshold = f.number("threshold", PageHinkley.DEFAULT_THRESHOLD, Double.MIN_VALUE, Double.MAX_VALUE, "> 0");
                double alpha = f.number("alpha", PageHinkley.DEFAULT_ALPHA, Double.MIN_VALUE, 1.0, "in (0, 1]");
                String mode = f.has("mode") ? f.choice("mode", PageHinkley.Mode.specNames()) : PageHinkley.DEFAULT_MODE.specName();
                d = new DriftSpec(PAGE_HINKLEY, reaction, delta, d.clock, d.maxBuckets, d.minWindowLength, d.gracePeriod,
                        minInstances, threshold, alpha, mode);
            }
            default -> {
                // off: no parameters
            }
        }
        f.rejectUnknown();
        return d;
    }

    private static DriftSpec with(DriftSpec d, String detector, String reaction) {
        double delta = detector.equals(PAGE_HINKLEY) ? PageHinkley.DEFAULT_DELTA : d.delta;
        return new DriftSpec(detector, reaction, delta, d.clock, d.maxBuckets, d.minWindowLength, d.gracePeriod, d.minInstances,
                d.threshold, d.alpha, d.mode);
    }

    /** The few typed reads a drift section needs, each error naming its field; unread fields are rejected. */
    private static final class Fields {
        private final JsonNode node;
        private final String path;
        private final Set<String> read = new LinkedHashSet<>();

        Fields(JsonNode node, String path) {
            if (!node.isObject()) {
                throw new SpecException(path, "expected an object or a detector name, got " + describe(node));
            }
            this.node = node;
            this.path = path;
        }

        String pathOf(String field) {
            return path.isEmpty() ? field : path + "." + field;
        }

        boolean has(String field) {
            read.add(field);
            return node.hasNonNull(field);
        }

        String choice(String field, List<String> allowed) {
            if (!has(field)) {
                throw new SpecException(pathOf(field), "missing required field; expected one of " + String.join(", ", allowed));
            }
            JsonNode v = node.get(field);
            if (!v.isTextual() || !allowed.contains(v.asText())) {
                throw new SpecException(pathOf(field), "unknown value " + describe(v) + "; expected one of " + String.join(", ", allowed));
            }
            return v.asText();
        }

        double number(String field, double fallback, double min, double max, String range) {
            if (!has(field)) {
                return fallback;
            }
            JsonNode v = node.get(field);
            if (!v.isNumber()) {
                throw new SpecException(pathOf(field), "expected a number, got " + describe(v));
            }
            double value = v.asDouble();
            if (!(value >= min && value <= max)) {
                throw new SpecException(pathOf(field), "must be " + range + ", got " + v.asText());
            }
            return value;
        }

        int integer(String field, int fallback, int min, int max) {
            if (!has(field)) {
                return fallback;
            }
            JsonNode v = node.get(field);
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new SpecException(pathOf(field), "expected an integer, got " + describe(v));
            }
            int value = v.asInt();
            if (value < min || value > max) {
                throw new SpecException(pathOf(field), "must be in [" + min + ", " + max + "], got " + value);
            }
            return value;
        }

        void rejectUnknown() {
            List<String> unknown = new ArrayList<>();
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!read.contains(name)) {
                    unknown.add(name);
                }
            }
            if (!unknown.isEmpty()) {
                throw new SpecException(pathOf(unknown.get(0)), "unknown field for detector " + node.get("detector").asText()
                        + "; known fields here: " + String.join(", ", read));
            }
        }

        private static String describe(JsonNode v) {
            String text = v.toString();
            return text.length() > 40 ? text.substring(0, 37) + "..." : text;
        }
    }
}
