// bench pipeline --evaluate: the model a run leaves, taken as a user would deploy it, scored on the MNIST test set.
package io.neurostream.app.bench;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.produce.ModelSpecPublisher;
import io.neurostream.app.runtime.ClientSettings;
import io.neurostream.app.sync.KafkaSyncLog;
import io.neurostream.app.sync.SyncLog;
import io.neurostream.app.sync.SyncRecord;
import io.neurostream.app.sync.SyncRounds;
import io.neurostream.app.topology.Topics;
import io.neurostream.app.versions.ModelPublisher;
import io.neurostream.app.versions.ModelVersionsConsumer;
import io.neurostream.app.versions.PublishedModel;
import io.neurostream.core.data.Dataset;
import io.neurostream.core.net.Network;
import io.neurostream.core.replica.ParameterVector;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.train.DatasetBatches;
import io.neurostream.core.train.Evaluator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Both ways read what the running application committed (read_committed), so the score is of a model that exists outside the
 * benchmark: one replica asks for a version ({@code models publish}) and reads it from model-versions, as {@code serve} would;
 * R replicas replay the model's sync partition with the replicas' own rule ({@link SyncRounds}) up to a given round.
 */
final class TestEvaluation {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final int BATCH = 256;

    private TestEvaluation() {}

    /**
     * Asks the application for a version of the (unreplicated) model, waits for one at step {@code steps} or later on
     * model-versions, and scores it.
     */
    static PipelineBench.TestScore published(NeurostreamConfig config, ModelSpec spec, long steps, Dataset test, Consumer<String> problems)
            throws InterruptedException {
        ModelSpecPublisher.publish(config, spec, "neurostream bench pipeline --evaluate",
                List.of(new RecordHeader(ModelPublisher.PUBLISH_HEADER, "now".getBytes(StandardCharsets.UTF_8))));
        String topic = new Topics(config.string(NeurostreamConfig.TOPIC_PREFIX)).modelVersions();
        AtomicReference<PublishedModel> found = new AtomicReference<>();
        try (ModelVersionsConsumer versions = new ModelVersionsConsumer(ClientSettings.consumer(config, "bench-evaluate"), topic, problems)) {
            if (!versions.start(TIMEOUT)) {
                throw new IllegalStateException("topic " + topic + " does not exist: no version of model " + spec.name() + " to evaluate");
            }
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (found.get() == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no version of model " + spec.name() + " at step " + steps + " on " + topic + " after "
                            + TIMEOUT.toSeconds() + " s");
                }
                versions.poll(POLL, spec.name()::equals, version -> {
                    if (version.version() >= steps) {
                        found.set(version);
                    }
                });
            }
        }
        Network net = found.get().network();
        return score(false, found.get().version(), found.get().version() * spec.batchSize(), net, test);
    }

    /**
     * Replays the replicated model's sync partition from its start until {@code round} is decided, and scores merged(round) (the
     * initial weights when {@code round} is −1).
     */
    static PipelineBench.TestScore merged(NeurostreamConfig config, ModelSpec spec, long round, Dataset test) {
        Network net = Network.create(spec);
        long samples = 0;
        SyncRounds rounds = SyncRounds.start(spec.name(), SyncRecord.fingerprint(spec.json()), spec.replication(), spec.dataType(),
                ParameterVector.capture(net), 0);
        String topic = new Topics(config.string(NeurostreamConfig.TOPIC_PREFIX)).sync();
        try (SyncLog log = KafkaSyncLog.factory(ClientSettings.consumer(config, "bench-evaluate"), topic).open(spec.name())) {
            log.seek(0);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            long samplesPerMember = (long) spec.replication().syncEvery() * spec.batchSize();
            while (rounds.decided() < round) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("model " + spec.name() + ": round " + round + " not decided on " + topic + " after "
                            + TIMEOUT.toSeconds() + " s (the last decided: " + rounds.decided() + ")");
                }
                for (SyncLog.Entry e : log.poll(POLL)) {
                    if (e.value() != null) {
                        rounds.accept(e.offset(), SyncRecord.decode(e.value()));
                        samples += rounds.drainDecisions().stream().mapToLong(d -> d.members().size() * samplesPerMember).sum();
                    }
                    if (rounds.decided() >= round) {
                        break;
                    }
                }
            }
        }
        ParameterVector.assign(net, rounds.merged());
        return score(true, rounds.decided(), samples, net, test);
    }

    static PipelineBench.TestScore score(boolean merged, long version, long samples, Network net, Dataset test) {
        Evaluator.Score s = Evaluator.evaluate(net, new DatasetBatches(test, net), BATCH);
        return new PipelineBench.TestScore(merged, version, samples, s.accuracy(), s.loss(), s.examples());
    }
}
