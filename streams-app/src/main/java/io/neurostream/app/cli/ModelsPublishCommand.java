// `neurostream models publish NAME`: asks the running application for a version of a model's weights on model-versions now.
package io.neurostream.app.cli;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.produce.ModelSpecPublisher;
import io.neurostream.app.produce.ModelsTopic;
import io.neurostream.app.versions.ModelPublisher;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Ask the running application to publish the current weights of a model to the model-versions topic now, "
                + "besides every neurostream.publish.interval.batches steps.",
                "Writes the model's current spec, unchanged, back to the models topic with the header neurostream.publish; the "
                        + "task that trains the model publishes a version (its current step) in the transaction of that record. "
                        + "Like writing the same spec again, this starts a quarantined model afresh.",
                "Exit codes: 0 written, 1 Kafka failure, 2 no such model or a bad setting."})
final class ModelsPublishCommand extends ClusterCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The model's name.")
    String name;

    @Override
    int run() throws InterruptedException {
        NeurostreamConfig config = connect();
        String topic = topics(config).models();
        ModelSpec spec = ModelsTopic.read(config, name).spec().orElse(Presets.exists(name) ? Presets.load(name) : null);
        if (spec == null) {
            throw new IllegalArgumentException("no model " + name + " on topic " + topic + (Presets.exists(name) ? "" : " and no preset of that name"));
        }
        RecordMetadata written = ModelSpecPublisher.publish(config, spec, "neurostream models publish (" + System.getProperty("user.name") + ")",
                List.of(new RecordHeader(ModelPublisher.PUBLISH_HEADER, "now".getBytes(StandardCharsets.UTF_8)))).first();
        out().printf("asked for a version of model %s: request written to topic %s (partition %d, offset %d)%n",
                name, topic, written.partition(), written.offset());
        return ExitCodes.OK;
    }
}
