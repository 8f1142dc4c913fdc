// Reads the "instances" of a predict request into one batch of model inputs, as the training side reads a Sample.
package io.neurostream.app.serve;

import com.fasterxml.jackson.databind.JsonNode;
import io.neurostream.app.training.ModelShape;
import io.neurostream.app.training.Rejection;
import io.neurostream.app.training.SampleInput;
import io.neurostream.schemas.Sample;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An instance is either nested arrays of numbers, flat ({@code [784]}) or shaped as the model's
 * input ({@code [1, 28, 28]}; token ids for a token model), or an object with the fields of a
 * {@code Sample}'s features: one of {@code "values"} (numbers), {@code "pixels"} (integers 0-255,
 * scaled by 1/255 as in training) or {@code "tokens"} (integers), and optionally {@code "shape"}.
 * Each becomes a Sample and goes through {@link SampleInput}, the same checks and scaling as a
 * sample on the samples topic, so a served prediction sees the inputs training saw.
 */
final class Instances {
    /** Most instances in one request. */
    static final int MAX_INSTANCES = 1024;
    private static final Instant NO_TIME = Instant.EPOCH;

    private Instances() {}

    /** The inputs of every instance, n x inputSize values; a bad instance is a 400 naming it. */
    static float[] read(JsonNode body, ModelShape shape, int[] count) throws BadRequest {
        JsonNode instances = body.get("instances");
        if (instances == null || !instances.isArray()) {
            throw new BadRequest(400, "instances: the body must be a JSON object with an array \"instances\"");
        }
        int n = instances.size();
        if (n == 0 || n > MAX_INSTANCES) {
            throw new BadRequest(400, "instances: expected 1 to " + MAX_INSTANCES + " instances, got " + n);
        }
        float[] inputs = new float[Math.multiplyExact(n, shape.inputSize())];
        float[] targets = new float[shape.targetSize()];
        int[] labels = new int[shape.rows()];
        for (int i = 0; i < n; i++) {
            String where = "instances[" + i + "]";
            Sample sample = sample(instances.get(i), shape, where);
            // one row at a time into row 0 of a scratch batch: no label is read, the targets stay unused
            float[] row = new float[shape.inputSize()];
            Rejection rejection = SampleInput.read(sample, shape, row, targets, labels, 0);
            if (rejection != null) {
                throw new BadRequest(400, where + ": " + rejection.message().replaceFirst("^sample " + java.util.regex.Pattern.quote(where) + " for model [^:]+: ", ""));
            }
            System.arraycopy(row, 0, inputs, i * shape.inputSize(), shape.inputSize());
        }
        count[0] = n;
        return inputs;
    }

    private static Sample sample(JsonNode instance, ModelShape shape, String where) throws BadRequest {
        Sample.Builder sample = Sample.newBuilder().setId(where).setEventTime(NO_TIME);
        if (instance.isArray()) {
            List<Float> values = new ArrayList<>();
            flatten(instance, values, where);
            if (shape.readsTokens()) {
                sample.setTokens(tokens(values, where));
            } else {
                sample.setValues(values);
            }
            return sample.build();
        }
        if (!instance.isObject()) {
            throw new BadRequest(400, where + ": expected an array of numbers or an object with values, pixels or tokens, got " + kind(instance));
        }
        var fields = instance.fieldNames();
        while (fields.hasNext()) {
            String field = fields.next();
            if (!List.of("values", "pixels", "tokens", "shape").contains(field)) {
                throw new BadRequest(400, where + "." + field + ": unknown field (an instance has values, pixels or tokens, and shape)");
            }
        }
        if (instance.has("values")) {
            sample.setValues(numbers(instance.get("values"), where + ".values"));
        }
        if (instance.has("pixels")) {
            List<Float> pixels = numbers(instance.get("pixels"), where + ".pixels");
            byte[] bytes = new byte[pixels.size()];
            for (int i = 0; i < bytes.length; i++) {
                float p = pixels.get(i);
                if (p != Math.rint(p) || p < 0 || p > 255) {
                    throw new BadRequest(400, where + ".pixels[" + i + "]: expected an integer 0-255, got " + p);
                }
                bytes[i] = (byte) (int) p;
            }
            sample.setPixels(ByteBuffer.wrap(bytes));
        }
        if (instance.has("tokens")) {
            sample.setTokens(tokens(numbers(instance.get("tokens"), where + ".tokens"), where + ".tokens"));
        }
        if (instance.has("shape")) {
            sample.setShape(tokens(numbers(instance.get("shape"), where + ".shape"), where + ".shape"));
        }
        return sample.build();
    }

    private static List<Float> numbers(JsonNode array, String where) throws BadRequest {
        if (!array.isArray()) {
            throw new BadRequest(400, where + ": expected an array, got " + kind(array));
        }
        List<Float> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            out.add(number(array.get(i), where + "[" + i + "]"));
        }
        return out;
    }

    private static void flatten(JsonNode node, List<Float> out, String where) throws BadRequest {
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (item.isArray()) {
                flatten(item, out, where + "[" + i + "]");
            } else {
                out.add(number(item, where + "[" + i + "]"));
            }
        }
    }

    private static float number(JsonNode item, String where) throws BadRequest {
        if (!item.isNumber()) {
            throw new BadRequest(400, where + ": not a number: " + abbreviated(item.toString()));
        }
        float v = item.floatValue();
        if (!Float.isFinite(v)) {
            throw new BadRequest(400, where + ": " + abbreviated(item.toString()) + " is out of float32 range");
        }
        return v;
    }

    private static List<Integer> tokens(List<Float> values, String where) throws BadRequest {
        List<Integer> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            float v = values.get(i);
            if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
                throw new BadRequest(400, where + "[" + i + "]: expected an integer, got " + v);
            }
            out.add((int) v);
        }
        return out;
    }

    private static String kind(JsonNode node) {
        return node.isNull() ? "null" : node.isTextual() ? "a string" : node.isNumber() ? "a number" : node.isObject() ? "an object" : node.getNodeType().toString().toLowerCase();
    }

    private static String abbreviated(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
