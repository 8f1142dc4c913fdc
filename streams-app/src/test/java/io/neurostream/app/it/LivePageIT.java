// The live page in headless Chromium while two models of one stream train: their charts have points, the stream's models are drawn
// side by side, a drift is marked, and a screenshot for the README.
package io.neurostream.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.neurostream.app.ops.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class LivePageIT {
    private static final String MODEL = "mnist-mlp";
    /** A challenger on MODEL's stream: narrower, another seed. */
    private static final String CHALLENGER = "mnist-mlp-64";
    private static final String CHALLENGER_SPEC = """
            {"name": "mnist-mlp-64", "source": "mnist-mlp", "input": {"shape": [784]},
             "layers": [{"type": "dense", "units": 64, "activation": "relu"}, {"type": "dense", "units": 10, "activation": "softmax"}],
             "loss": "cross_entropy", "optimizer": {"type": "adam", "learning_rate": 0.005}, "batch_size": 32, "seed": 7}
            """;
    private static final int SAMPLES = 3_200; // 100 batches of 32
    private static final int DRIFTED = 640; // then 20 batches whose labels are shifted by one: a drift
    private static final Path SCREENSHOT = Path.of("target", "screenshots", "live-page.png");

    @TempDir
    Path tmp;

    /** Runs headless Chromium on the URL with the given extra flags; returns its standard output. */
    private String chromium(Path chromium, String url, String... flags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--hide-scrollbars", "--user-data-dir=" + tmp.resolve("chromium"), "--virtual-time-budget=5000"));
        command.addAll(List.of(flags));
        command.add(url);
        Path stderr = tmp.resolve("chromium-stderr.txt");
        Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 90 s: " + command);
        }
        assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + Files.readString(stderr));
        return out;
    }

    private static int points(String dom, String chart) {
        Matcher m = Pattern.compile("data-chart=\"" + chart + "\" data-points=\"(\\d+)\"").matcher(dom);
        assertTrue(m.find(), "chart " + chart + " in the page");
        return Integer.parseInt(m.group(1));
    }

    /** Until the live page's history (sampled every second) has a point after the detection. */
    private static void awaitDriftInHistory(LiveApp live) throws InterruptedException {
        Pattern marked = Pattern.compile("\"drift\":\\[[^\\]]*[1-9]");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String series = "";
        while (System.nanoTime() < deadline) {
            series = LiveApp.get(live.url("/api/series")).body();
            if (marked.matcher(series).find()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no drift detection in the live page's history after 30 s: " + series);
    }

    /** The figure of a model's row in the table of a stream's models. */
    private static String figure(String dom, String model, String figure) {
        Matcher m = Pattern.compile("<tr data-model=\"" + Pattern.quote(model) + "\">.*?<td data-figure=\"" + figure + "\">([^<]*)</td>")
                .matcher(dom);
        assertTrue(m.find(), model + "'s " + figure + " in the table of the stream's models: " + dom);
        return m.group(1);
    }

    @Test
    void shouldDrawLossAndAccuracyChartsWithDataWhileTheAppTrains() throws Exception {
        Path chromium = Tools.find("chromium");
        assumeTrue(chromium != null, "chromium is not on the PATH (Debian: apt-get install chromium); CI installs it");

        try (LiveApp live = LiveApp.start(tmp.resolve("state"), "live-it", 50)) {
            // 1. Samples arrive over 20 s, so the history has a shape; the challenger's spec is on the broker before them, with an
            // earlier timestamp, so it reads every sample of the stream.
            live.spec(CHALLENGER, CHALLENGER_SPEC);
            List<byte[]> samples = MnistRecords.labelled(SAMPLES);
            live.samples(MODEL, samples, 160, 1000);
            live.awaitTrained(MODEL, SAMPLES, Duration.ofSeconds(90));
            live.samples(MODEL, MnistRecords.labelled(SAMPLES, DRIFTED, 1), 160, 1000);
            live.awaitTrained(MODEL, SAMPLES + DRIFTED, Duration.ofSeconds(90));
            live.awaitTrained(CHALLENGER, SAMPLES + DRIFTED, Duration.ofSeconds(90));
            awaitDriftInHistory(live);
            String series = LiveApp.get(live.url("/api/series")).body();
            assertTrue(series.contains("\"streams\":{\"" + MODEL + "\":[\"" + MODEL + "\",\"" + CHALLENGER + "\"]}"), series);
            assertTrue(series.contains("\"" + CHALLENGER + "\":{\"source\":\"" + MODEL + "\","), series);
            assertTrue(series.endsWith(",\"replicas\":{}}"), "no replicated model: " + series);

            // 2. The page's DOM after its first polls: two models, charts with points, counters filled in.
            String dom = chromium(chromium, live.url("/"), "--dump-dom");
            assertTrue(dom.contains("data-models=\"2\""), dom);
            assertTrue(dom.contains("<div id=\"replicas\" data-replicated=\"0\"></div>"), "no replicated model's card: " + dom);
            assertTrue(dom.contains("data-model=\"" + MODEL + "\""), dom);
            assertTrue(dom.contains("data-model=\"" + CHALLENGER + "\""), dom);
            for (String chart : List.of("loss", "accuracy", "throughput")) {
                assertTrue(points(dom, chart) >= 10, chart + " has " + points(dom, chart) + " points");
            }
            assertTrue(dom.contains("<dd data-counter=\"trained\" class=\"\">3,840</dd>")
                    || dom.contains("<dd data-counter=\"trained\">3,840</dd>"), "trained counter shown: " + dom);
            for (String chart : List.of("loss", "accuracy")) {
                Matcher markers = Pattern.compile("data-chart=\"" + chart + "\" data-points=\"\\d+\" data-markers=\"(\\d+)\"").matcher(dom);
                assertTrue(markers.find() && Integer.parseInt(markers.group(1)) >= 1, chart + " chart marks the drift: " + dom);
            }
            assertTrue(dom.contains("class=\"drift\""), "a drift marker line");

            // 3. The stream's two models side by side: one accuracy and one loss chart with a line each, over the same samples,
            // and a table of their figures.
            assertTrue(dom.contains("data-streams=\"1\""), dom);
            assertTrue(dom.contains("data-stream=\"" + MODEL + "\" data-stream-models=\"" + MODEL + " " + CHALLENGER + "\""), dom);
            for (String chart : List.of("side-accuracy", "side-loss")) {
                Matcher m = Pattern.compile("data-chart=\"" + chart + "\" data-points=\"(\\d+)\" data-lines=\"(\\d+)\"").matcher(dom);
                assertTrue(m.find(), chart + " in the page: " + dom);
                assertTrue(Integer.parseInt(m.group(1)) >= 10, chart + " has " + m.group(1) + " points");
                assertEquals("2", m.group(2), chart + " has a line per model");
            }
            for (String model : List.of(MODEL, CHALLENGER)) {
                assertEquals("3,840", figure(dom, model, "samples"));
                assertTrue(figure(dom, model, "accuracy").matches("\\d{1,3}\\.\\d%"), figure(dom, model, "accuracy"));
                assertEquals("120", figure(dom, model, "step"), model + "'s step: 3,840 samples in batches of 32");
            }
            assertTrue(dom.contains("data-state=\"UP\""), "health badge");

            // 4. A screenshot for the README.
            Files.createDirectories(SCREENSHOT.getParent());
            Files.deleteIfExists(SCREENSHOT);
            chromium(chromium, live.url("/"), "--window-size=1280,470", "--screenshot=" + SCREENSHOT.toAbsolutePath());
            assertTrue(Files.size(SCREENSHOT) > 20_000, "screenshot " + SCREENSHOT + " has " + Files.size(SCREENSHOT) + " bytes");
        }
    }
}
