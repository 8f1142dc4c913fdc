// `consume` against a running app on a real broker: predictions, dead letters and metrics as JSON lines, from the beginning or following.
package io.neurostream.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurostream.app.cli.Main;
import io.neurostream.app.produce.SyntheticSource;
import io.neurostream.app.serde.NeurostreamSerdes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Tag("integration")
class ConsumeCommandIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "xor-online";
    private static final int SAMPLES = 40;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private record Run(int exitCode, List<JsonNode> lines, String err) {}

    private static Run consume(LiveApp live, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("consume"));
        all.addAll(List.of(args));
        all.addAll(List.of("--bootstrap-servers", live.kafka.bootstrapServers(), "--set", "neurostream.topic.prefix=" + live.topics.prefix()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(all.toArray(String[]::new));
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString().lines().toList()) {
            lines.add(JSON.readTree(line));
        }
        return new Run(code, lines, err.toString());
    }

    private static List<byte[]> xorSamples(int from, int count) {
        SyntheticSource points = SyntheticSource.of("xor", from + count, 1, true);
        List<byte[]> values = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            values.add(NeurostreamSerdes.sample().encode(points.sample(i, LiveApp.BASE_TIME + i)));
        }
        return values;
    }

    @Test
    void shouldPrintTheAppsOutputTopicsAsJsonLinesKeyedAsTheReadmeSays(@TempDir Path stateDir) throws Exception {
        try (LiveApp live = LiveApp.start(stateDir, "consume-it", 500)) {
            byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
            live.samples(MODEL, xorSamples(0, SAMPLES), 0, 0);
            live.samples(MODEL, List.of(garbage), 0, 0);

            Run followed = CompletableFuture.supplyAsync(() -> {
                try {
                    return consume(live, "predictions", "--from-beginning", "--follow", "--limit", Integer.toString(SAMPLES));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(0, followed.exitCode(), followed.err());
            assertEquals(SAMPLES, followed.lines().size(), "--follow waits for the predictions, --limit stops it");

            Run predictions = consume(live, "predictions", "--from-beginning");

            assertEquals(0, predictions.exitCode(), predictions.err());
            assertEquals(SAMPLES, predictions.lines().size(), "without --follow: what the topic holds, then stop");
            for (int i = 0; i < SAMPLES; i++) {
                JsonNode line = predictions.lines().get(i);
                assertEquals(MODEL, line.get("key").asText(), "predictions are keyed by model name: " + line);
                assertEquals(MODEL, line.get("value").get("model").asText());
                assertEquals("xor-1-" + i, line.get("value").get("sampleId").asText());
                assertTrue(line.get("value").get("label").isInt(), "a union's value is written bare: " + line);
                assertTrue(line.get("timestamp").asText().endsWith("Z"), "ISO-8601 timestamp: " + line);
            }

            Run deadLetters = consume(live, "dead-letters", "--from-beginning");

            assertEquals(1, deadLetters.lines().size(), deadLetters.toString());
            JsonNode deadLetter = deadLetters.lines().get(0);
            assertEquals(MODEL, deadLetter.get("key").asText(), "a dead letter keeps the original key");
            assertEquals("NOT_AVRO", deadLetter.get("value").get("reason").asText());
            assertEquals(Base64.getEncoder().encodeToString(garbage), deadLetter.get("value").get("value").asText(), "bytes as base64");

            Run metrics = consume(live, "metrics", "--from-beginning", "--model", MODEL, "--limit", "3");

            assertEquals(3, metrics.lines().size(), "--limit");
            assertTrue(metrics.lines().stream().allMatch(l -> l.get("key").asText().equals(MODEL) && l.get("value").has("prequentialAccuracyWindow")));
            assertEquals(0, consume(live, "metrics", "--from-beginning", "--model", "my-xor").lines().size(), "--model filters by key");
        }
    }

    @Test
    void shouldPrintOnlyNewRecordsWithoutFromBeginning(@TempDir Path stateDir) throws Exception {
        try (LiveApp live = LiveApp.start(stateDir, "consume-follow-it", 500)) {
            live.samples(MODEL, xorSamples(0, SAMPLES), 0, 0);
            live.awaitTrained(MODEL, SAMPLES, TIMEOUT);
            // trained is counted before the transaction commits: wait until every earlier prediction is committed, so
            // none of them can arrive after the command below has started at the end of the topic
            Run earlier = consume(live, "predictions", "--from-beginning", "--follow", "--limit", Integer.toString(SAMPLES));
            assertEquals(SAMPLES, earlier.lines().size(), earlier.err());

            CompletableFuture<Run> next = CompletableFuture.supplyAsync(() -> {
                try {
                    return consume(live, "predictions", "--limit", "1");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // the consumer starts at the end whenever it gets there: keep streaming until it has printed one
            int sent = SAMPLES;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!next.isDone() && System.nanoTime() < deadline) {
                live.samples(MODEL, xorSamples(sent, 1), 0, 0);
                sent++;
                Thread.sleep(200);
            }
            Run run = next.get(1, TimeUnit.SECONDS);

            assertEquals(0, run.exitCode(), run.err());
            assertEquals(1, run.lines().size());
            int index = Integer.parseInt(run.lines().get(0).get("value").get("sampleId").asText().substring("xor-1-".length()));
            assertTrue(index >= SAMPLES, "a prediction of a sample sent after the command started, got sample " + index);
        }
    }
}
