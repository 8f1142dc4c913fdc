// `consume` without a broker: bad topics and limits are one line and exit code 2; records print as JSON lines.
package io.neurostream.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.schemas.ClassProbability;
import io.neurostream.schemas.Prediction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class ConsumeCommandTest {
    private static final String NO_BROKER = "127.0.0.1:1";

    @Test
    void shouldNameAnUnknownTopic() {
        CommandRun run = CommandRun.of("consume", "prediction", "--bootstrap-servers", NO_BROKER);

        assertEquals(2, run.exitCode());
        assertEquals("neurostream consume: unknown topic \"prediction\"; topics: samples, predictions, metrics, dead-letters, models, model-versions, drift, labels", run.errLine());
    }

    @Test
    void shouldRefuseALimitBelowOne() {
        CommandRun run = CommandRun.of("consume", "metrics", "--limit", "0", "--bootstrap-servers", NO_BROKER);

        assertEquals(2, run.exitCode());
        assertEquals("neurostream consume: --limit must be >= 1, got 0", run.errLine());
    }

    @Test
    void shouldPrintARecordAsOneJsonLineWithBareUnionsAndAnErrorForAValueThatDoesNotDecode() throws Exception {
        Prediction prediction = Prediction.newBuilder().setSampleId("xor-1-7").setModel("my-xor").setModelStep(7).setPredictedClass(1)
                .setTopK(List.of(new ClassProbability(1, 0.75f))).setOutputs(null).setLabel(1).setLoss(null)
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L)).build();
        byte[] key = "my-xor".getBytes(StandardCharsets.UTF_8);
        ConsumerRecord<byte[], byte[]> good = new ConsumerRecord<>("predictions", 0, 7, key, NeurostreamSerdes.prediction().encode(prediction));
        ConsumerRecord<byte[], byte[]> bad = new ConsumerRecord<>("predictions", 0, 8, key, new byte[] {1, 2, 3});

        JsonNode line = new ObjectMapper().readTree(ConsumeCommand.line("my-xor", good, ConsumeCommand.decoder("predictions")));
        JsonNode error = new ObjectMapper().readTree(ConsumeCommand.line("my-xor", bad, ConsumeCommand.decoder("predictions")));

        assertEquals("my-xor", line.get("key").asText());
        assertEquals(7, line.get("offset").asLong());
        assertEquals("xor-1-7", line.get("value").get("sampleId").asText());
        assertEquals(1, line.get("value").get("label").asInt(), "a union's value written bare");
        assertEquals(0.75, line.get("value").get("topK").get(0).get("probability").asDouble(), 1e-6);
        assertEquals("2023-11-14T22:13:20Z", line.get("value").get("eventTime").asText());
        assertEquals(true, line.get("value").get("loss").isNull());
        assertEquals(true, error.get("error").asText().startsWith("NOT_AVRO: "), error.toString());
    }
}
