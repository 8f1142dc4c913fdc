// The README's quick start, step 4, on the topology: the preset it copies learns noisy XOR online within the count it produces, to the accuracy it quotes.
package io.neurostream.app.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.ops.OpsFiles;
import io.neurostream.app.produce.SyntheticSource;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.Presets;
import io.neurostream.schemas.TrainingMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickStartXorTest {
    /** The README quotes the default seed's figures; other seeds must come within this of them. */
    private static final double OTHER_SEEDS_MARGIN = 0.02;

    @TempDir
    Path stateDir;

    private record QuickStart(String preset, int count, double windowAccuracy, double fadingAccuracy, int parameters) {}

    /** Step 4 of the README's quick start: the preset it copies, the count it produces, the accuracies it quotes. */
    private static QuickStart readme() throws IOException {
        String readme = Files.readString(OpsFiles.root().resolve("README.md"));
        String step = readme.substring(readme.indexOf("## Quick start"), readme.indexOf("\n## ", readme.indexOf("## Quick start") + 1))
                .replaceAll("\\s+", " ");
        Matcher preset = Pattern.compile("models show (\\S+) > my-xor\\.json").matcher(step);
        Matcher count = Pattern.compile("--model my-xor --synthetic xor --count (\\d+)").matcher(step);
        Matcher quoted = Pattern.compile("prequential accuracy (\\d+\\.\\d+)% over the last 1,000 samples and (\\d+\\.\\d+)% fading").matcher(step);
        Matcher parameters = Pattern.compile("OK: my-xor\\.json, model my-xor \\((\\d+) trainable parameters\\)").matcher(step);
        assertTrue(preset.find() && count.find() && quoted.find() && parameters.find(),
                "the quick start's step 4 names the preset, the count, the accuracies and the parameters");
        return new QuickStart(preset.group(1), Integer.parseInt(count.group(1)), Double.parseDouble(quoted.group(1)) / 100,
                Double.parseDouble(quoted.group(2)) / 100, Integer.parseInt(parameters.group(1)));
    }

    /** The last metrics record after streaming {@code count} noisy XOR points drawn with {@code seed} to a copy of the preset. */
    private TrainingMetrics stream(String preset, int count, long seed) {
        try (TopologyHarness h = new TopologyHarness(stateDir.resolve("seed-" + seed), Map.of())) {
            // the user's edit: "name" becomes my-xor
            h.sendSpec("my-xor", Presets.json(preset).replace("\"name\": \"" + preset + "\"", "\"name\": \"my-xor\""));
            SyntheticSource points = SyntheticSource.of("xor", count, seed, true);
            for (int i = 0; i < count; i++) {
                h.send("my-xor", NeurostreamSerdes.sample().encode(points.sample(i, 1_700_000_000_000L + i)));
            }
            List<TrainingMetrics> metrics = h.metricsRecords();
            return metrics.get(metrics.size() - 1);
        }
    }

    @Test
    void shouldLearnNoisyXorWithinTheQuickStartsCountToTheAccuracyTheReadmeQuotes() throws IOException {
        QuickStart quickStart = readme();

        TrainingMetrics last = stream(quickStart.preset(), quickStart.count(), 1);

        assertEquals(quickStart.count(), last.getSamplesTrained(), "every point trained, one per step");
        assertEquals(quickStart.windowAccuracy(), last.getPrequentialAccuracyWindow(), 0.005, "the README's window figure, produce's default seed 1");
        assertEquals(quickStart.fadingAccuracy(), last.getPrequentialAccuracyFading(), 0.005, "the README's fading figure, produce's default seed 1");
    }

    @Test
    void shouldShowTheParameterCountOfThePresetItCopies() throws IOException {
        QuickStart quickStart = readme();

        assertEquals(quickStart.parameters(), Network.create(Presets.load(quickStart.preset())).params().trainableCount(),
                "what `models validate` prints for the copy of " + quickStart.preset());
    }

    @Test
    void shouldLearnItFromOtherSeedsToo() throws IOException {
        QuickStart quickStart = readme();
        for (long seed = 2; seed <= 5; seed++) {
            TrainingMetrics last = stream(quickStart.preset(), quickStart.count(), seed);

            assertTrue(last.getPrequentialAccuracyWindow() >= quickStart.windowAccuracy() - OTHER_SEEDS_MARGIN,
                    "--seed " + seed + ": window accuracy " + last.getPrequentialAccuracyWindow());
            assertTrue(last.getPrequentialAccuracyFading() >= quickStart.fadingAccuracy() - OTHER_SEEDS_MARGIN,
                    "--seed " + seed + ": fading accuracy " + last.getPrequentialAccuracyFading());
        }
    }
}
