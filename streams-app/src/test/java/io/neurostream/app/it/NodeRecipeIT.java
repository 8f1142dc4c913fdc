// The Node.js recipe (kafkajs + avsc) against a running app on the embedded broker: its Samples train a model, its Predictions decode.
package io.neurostream.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class NodeRecipeIT {
    private static final int COUNT = 20;
    private static final String MODEL = "xor-online";

    @Test
    void shouldProduceSamplesAndReadTheirPredictionsFromNode(@TempDir Path stateDir) throws Exception {
        assumeTrue(ClientRecipes.missing("node").isEmpty(), ClientRecipes.missing("node"));
        assumeTrue(ClientRecipes.missing("npm").isEmpty(), ClientRecipes.missing("npm"));
        ClientRecipes.installNodePackages();

        try (LiveApp live = LiveApp.start(stateDir, "node-it", 500)) {
            ClientRecipes.Result run = ClientRecipes.run(ClientRecipes.folder("node"), List.of("node", "produce-and-read.js",
                    "--bootstrap-servers", live.kafka.bootstrapServers(), "--prefix", live.topics.prefix(), "--model", MODEL,
                    "--count", Integer.toString(COUNT), "--timeout-s", "90"), "", Duration.ofMinutes(2));

            assertEquals(0, run.exitCode(), run.err());
            List<JsonNode> predictions = new ArrayList<>();
            for (String line : run.out().lines().toList()) {
                predictions.add(new ObjectMapper().readTree(line));
            }
            assertEquals(COUNT, predictions.size(), run.out());
            for (JsonNode prediction : predictions) {
                assertEquals(MODEL, prediction.get("key").asText());
                assertEquals(MODEL, prediction.get("model").asText());
                assertTrue(prediction.get("sampleId").asText().startsWith("node-"), prediction.toString());
                assertTrue(prediction.get("label").isInt(), "the recipe's label came through: " + prediction);
                assertTrue(prediction.get("predictedClass").asInt() == 0 || prediction.get("predictedClass").asInt() == 1, prediction.toString());
            }
            assertEquals(COUNT, live.trained(MODEL), "the app trained on the recipe's samples");
        }
    }
}
