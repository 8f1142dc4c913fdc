// Thousands of random and mutated samples and specs through the whole topology: it never throws, and every sample is predicted or dead-lettered.
package io.neurostream.app.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.schemas.DeadLetter;
import io.neurostream.schemas.ModelSpecRecord;
import io.neurostream.schemas.Sample;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records come from a seeded generator (the seed is in every failure message): valid samples,
 * random bytes, truncated and bit-flipped samples, extreme numbers, wrong and over-long keys and
 * ids, odd shapes; and now and then a spec: valid, mutated, truncated, deeply nested, with huge
 * numbers, huge shapes or huge layers, misnamed, or a tombstone. The count is the system property
 * {@code neurostream.fuzz.records} (2,000 by default; {@code -Pfuzz} sends 100,000).
 */
class TopologyFuzzTest {
    private static final long SEED = 20_261_204L;
    private static final int RECORD_MAX_BYTES = 20_000;
    private static final String FZ = "fz";
    private static final String SEQ = "seq";
    private static final List<String> MODELS = List.of("logic-and", "xor", FZ, SEQ, "no-such-model");
    private static final String FZ_SPEC = """
            {"name": "fz", "input": {"shape": [3, 2]},
             "layers": [{"type": "dense", "units": %d, "activation": "relu"}, {"type": "dense", "units": 3, "activation": "softmax"}],
             "loss": "cross_entropy", "optimizer": {"type": "adam", "learning_rate": 0.01}, "batch_size": %d, "seed": %d}
            """;
    private static final String SEQ_SPEC = """
            {"name": "seq", "input": {"shape": [4], "vocabulary": 5},
             "layers": [{"type": "embedding", "units": 3}, {"type": "dense", "units": 2, "activation": "softmax"}],
             "loss": "cross_entropy", "optimizer": {"type": "sgd"}, "batch_size": 2}
            """;

    @TempDir
    Path stateDir;

    private final Random random = new Random(SEED);

    @Test
    void shouldNeverThrowAndAccountForEverySample() {
        int records = Integer.getInteger("neurostream.fuzz.records", 2000);
        long samplesSent = 0;
        long predictions = 0;
        long sampleDeadLetters = 0;
        long specs = 0;
        long start = System.nanoTime();
        try (TopologyHarness harness = new TopologyHarness(stateDir, Map.of(NeurostreamConfig.RECORD_MAX_BYTES.name(), Integer.toString(RECORD_MAX_BYTES),
                NeurostreamConfig.PREDICTION_MAX_DELAY.name(), "200", NeurostreamConfig.BATCH_MAX_DELAY.name(), "300",
                NeurostreamConfig.SNAPSHOT_INTERVAL.name(), "3"))) {
            harness.sendSpec(FZ, FZ_SPEC.formatted(4, 4, 1));
            harness.sendSpec(SEQ, SEQ_SPEC);
            for (int i = 0; i < records; i++) {
                int at = i;
                String context = "seed " + SEED + ", record " + at;
                try {
                    if (random.nextInt(100) < 4) {
                        sendSpec(harness);
                        specs++;
                    } else {
                        sendSample(harness);
                        samplesSent++;
                    }
                    if (random.nextInt(50) == 0) {
                        harness.advanceWallClock(Duration.ofMillis(random.nextInt(400)));
                    }
                } catch (RuntimeException | Error e) {
                    throw new AssertionError(context + ": the topology threw " + e, e);
                }
                if (i % 500 == 499) {
                    predictions += harness.predictions.readValuesToList().size();
                    sampleDeadLetters += sampleDeadLetters(harness);
                    harness.metricsTopic.readValuesToList();
                }
            }
            harness.advanceWallClock(Duration.ofSeconds(1));
            predictions += harness.predictions.readValuesToList().size();
            sampleDeadLetters += sampleDeadLetters(harness);
            // samples pending in a batch were trained by the close above (a batch delay of 300 ms); none is left without an outcome
            assertEquals(samplesSent, predictions + sampleDeadLetters,
                    "seed " + SEED + ": " + samplesSent + " samples sent, " + predictions + " predicted, " + sampleDeadLetters + " dead-lettered");
            double counted = harness.counter("neurostream.samples.dead.lettered");
            assertTrue(counted >= sampleDeadLetters, "every dead letter is counted: " + counted);
        }
        System.out.printf("TopologyFuzzTest: %,d records (%,d samples, %,d specs) in %.1f s%n", records, samplesSent, specs,
                (System.nanoTime() - start) / 1e9);
    }

    /** The dead letters of samples so far; every dead letter (of a sample or a spec) has a one-line message. */
    private static long sampleDeadLetters(TopologyHarness harness) {
        List<DeadLetter> dead = harness.deadLetters();
        for (DeadLetter d : dead) {
            assertTrue(d.getMessage().lines().count() == 1 && !d.getMessage().contains("\r"), "seed " + SEED + ": one line: " + d.getMessage());
        }
        return dead.stream().filter(d -> d.getSourceTopic().equals("samples")).count();
    }

    private void sendSample(TopologyHarness harness) {
        String model = MODELS.get(random.nextInt(MODELS.size()));
        byte[] valid = Samples.bytes(validSample(model));
        int kind = random.nextInt(20);
        switch (kind) {
            case 0 -> harness.send(model, randomBytes(random.nextInt(64)));
            case 1 -> harness.send(model, Arrays.copyOf(valid, random.nextInt(valid.length)));
            case 2, 3 -> harness.send(model, flipBits(valid));
            case 4 -> harness.send(model, Samples.bytes(extreme(validSample(model))));
            case 5 -> harness.send(pick(null, "", "k".repeat(2000), "\u0000", "x/y", "a\nb", new String(randomBytes(8), StandardCharsets.UTF_8)), valid);
            case 6 -> harness.send(model, Samples.bytes(validSample(model).setId(pick("i".repeat(1025), "", "line\nbreak"))));
            case 7 -> harness.send(model, Samples.bytes(validSample(model).setShape(randomShape())));
            case 8 -> harness.send(model, random.nextBoolean() ? new byte[0] : null);
            case 9 -> harness.send(model, randomBytes(RECORD_MAX_BYTES + 1 + random.nextInt(100)));
            default -> harness.send(model, valid);
        }
    }

    private Sample.Builder validSample(String model) {
        String id = "s" + random.nextInt(1_000_000);
        Sample.Builder b = switch (model) {
            case FZ -> Samples.values(id, floats(6)).setLabel(random.nextInt(3));
            case SEQ -> Samples.values(id).setValues(null).setTokens(List.of(random.nextInt(5), random.nextInt(5), random.nextInt(5), random.nextInt(5)))
                    .setLabel(random.nextInt(2));
            default -> Samples.values(id, random.nextInt(2), random.nextInt(2)).setLabel(random.nextInt(2));
        };
        if (random.nextInt(5) == 0) {
            b.setLabel(null);
        }
        return b;
    }

    private Sample.Builder extreme(Sample.Builder b) {
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -0f, 1e30f};
        switch (random.nextInt(4)) {
            case 0 -> {
                if (b.getValues() != null) {
                    List<Float> values = new ArrayList<>(b.getValues());
                    values.set(random.nextInt(values.size()), specials[random.nextInt(specials.length)]);
                    b.setValues(values);
                }
            }
            case 1 -> b.setLabel(pick(Integer.MIN_VALUE, Integer.MAX_VALUE, -1, 3, 1 << 20));
            case 2 -> b.setTarget(List.of(specials[random.nextInt(specials.length)]));
            default -> b.setTokens(List.of(-1, Integer.MAX_VALUE, 5, 0)).setValues(null).setPixels(random.nextBoolean() ? ByteBuffer.wrap(new byte[6]) : null);
        }
        return b;
    }

    private List<Integer> randomShape() {
        return pick(List.of(65_536, 65_536, 65_536), List.of(-1), List.of(0), List.of(), List.of(3, 2), List.of(Integer.MAX_VALUE, 2), List.of(6));
    }

    private void sendSpec(TopologyHarness harness) {
        String name = random.nextBoolean() ? FZ : SEQ;
        String valid = name.equals(FZ) ? FZ_SPEC.formatted(1 + random.nextInt(8), 1 + random.nextInt(8), random.nextInt(3)) : SEQ_SPEC;
        Supplier<String> json = switch (random.nextInt(12)) {
            case 0 -> () -> valid.substring(0, random.nextInt(valid.length()));
            case 1 -> () -> new String(flipBits(valid.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
            case 2 -> () -> "{\"name\": \"" + name + "\", \"description\": " + "[".repeat(3000) + "]".repeat(3000) + "}";
            case 3 -> () -> valid.replace("\"batch_size\"", "\"seed\": " + "9".repeat(1500) + ", \"batch_size\"");
            case 4 -> () -> valid.replace("[3, 2]", "[65536, 65536, 65536]").replace("[4]", "[2147483647]");
            case 5 -> () -> valid.replaceFirst("\"units\": \\d+", "\"units\": 200000000").replace("\"embedding\", \"units\": 3", "\"embedding\", \"units\": 2000000000");
            case 6 -> () -> valid.replace("\"dense\", \"units\": 3", "\"conv2d\", \"filters\": 2, \"kernel\": 3");
            case 7 -> () -> valid.replace("\"name\": \"" + name, "\"name\": \"other");
            case 8 -> () -> null;
            default -> () -> valid;
        };
        String text = json.get();
        if (text == null) {
            harness.sendTombstone(name);
        } else if (random.nextInt(10) == 0) {
            harness.models.pipeInput(name.getBytes(StandardCharsets.UTF_8), flipBits(NeurostreamSerdes.modelSpec().encode(
                    ModelSpecRecord.newBuilder().setName(name).setSpecJson(text).setCreatedAt(Instant.EPOCH).build())));
        } else {
            harness.sendSpec(name, text);
        }
    }

    private float[] floats(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }

    private byte[] randomBytes(int n) {
        byte[] out = new byte[n];
        random.nextBytes(out);
        return out;
    }

    private byte[] flipBits(byte[] bytes) {
        byte[] out = bytes.clone();
        for (int flips = 1 + random.nextInt(3); flips > 0 && out.length > 0; flips--) {
            int at = random.nextInt(out.length);
            out[at] ^= (byte) (1 << random.nextInt(8));
        }
        return out;
    }

    @SafeVarargs
    private <T> T pick(T... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
