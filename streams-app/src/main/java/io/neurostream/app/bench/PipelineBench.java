// The pipeline benchmark: end-to-end training in Kafka Streams against a pass-through topology and the offline rate, in one run.
package io.neurostream.app.bench;

import io.neurostream.app.broker.EmbeddedKafka;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.metrics.ModelProgress;
import io.neurostream.app.produce.MnistSource;
import io.neurostream.app.runtime.Directories;
import io.neurostream.app.produce.ModelSpecPublisher;
import io.neurostream.app.runtime.NeurostreamApp;
import io.neurostream.app.runtime.TopicSetup;
import io.neurostream.app.serde.DecodeResult;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.serde.RecordDecoder;
import io.neurostream.app.topology.Topics;
import io.neurostream.core.bench.ModelBench;
import io.neurostream.core.data.Mnist;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.schemas.Sample;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Three figures from one run on one embedded broker, so that they share the machine's state:
 * (a) end to end — samples produced while the neurostream topology runs, until the model has
 * trained on them (producer, broker, exactly-once topology, model update); (b) a pass-through
 * topology with the same settings that only decodes each sample and forwards it (the cost of
 * Kafka and Avro alone); (c) the offline training rate of model-core for the same model and batch.
 */
public final class PipelineBench {
    private static final long TIMEOUT_NANOS = 600_000_000_000L;

    /**
     * Samples per second of each stage (the median of its timed passes, with their range); {@code endToEnd / passThrough} is the
     * share Kafka leaves to training.
     */
    public record Result(String model, int batch, int samples, Passes endToEnd, Passes passThrough, double offlinePerSecond) {
        public double endToEndPerSecond() {
            return endToEnd.median();
        }

        public double passThroughPerSecond() {
            return passThrough.median();
        }

        public double endToEndOverPassThrough() {
            return endToEndPerSecond() / passThroughPerSecond();
        }
    }

    /**
     * The rates of a stage's timed passes, in samples/s: their median, the slowest and the fastest. A difference between two
     * medians smaller than {@link #spread()} is within the noise of the run.
     */
    public record Passes(double median, double min, double max) {
        /** Of rates from one or more passes (the median of an even count is the upper of the middle two, as before). */
        static Passes of(double... rates) {
            double[] sorted = rates.clone();
            Arrays.sort(sorted);
            return new Passes(sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1]);
        }

        /** (max - min) / median: 0.1 means the passes were within 10% of the median's value of each other. */
        public double spread() {
            return (max - min) / median;
        }
    }

    private final PrintWriter log;
    private final Map<String, String> overrides;
    private final int warmupPasses;
    private final int timedPasses;

    /**
     * {@code overrides}: settings (Kafka Streams and neurostream keys) applied to both topologies;
     * {@code warmupPasses} untimed passes over the samples come before {@code timedPasses} timed ones.
     */
    public PipelineBench(PrintWriter log, Map<String, String> overrides, int warmupPasses, int timedPasses) {
        this.log = log;
        if (warmupPasses < 0) {
            throw new IllegalArgumentException("--warmup-passes must be >= 0, got " + warmupPasses);
        }
        if (timedPasses < 1) {
            throw new IllegalArgumentException("--passes must be >= 1, got " + timedPasses);
        }
        this.warmupPasses = warmupPasses;
        this.timedPasses = timedPasses;
        this.overrides = Map.copyOf(overrides);
    }

    public Result run(ModelSpec spec, int samples, Path mnistDir, ModelBench offline) throws InterruptedException {
        List<byte[]> values = encodedSamples(mnistDir, samples);
        Path work = createWorkDir();
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(0).dataDir(work.resolve("kafka")).build().start()) {
            Passes passThrough = passThrough(kafka.bootstrapServers(), work, spec.name(), values);
            note("pass-through topology: %,.0f samples/s (passes %,.0f-%,.0f)", passThrough.median(), passThrough.min(), passThrough.max());
            Passes endToEnd = endToEnd(kafka.bootstrapServers(), work, spec, values);
            note("end to end (train in Kafka Streams): %,.0f samples/s (passes %,.0f-%,.0f)", endToEnd.median(), endToEnd.min(), endToEnd.max());
            double offlineRate = offline.run(spec, spec.batchSize()).samplesPerSecond();
            note("offline model-core training: %,.0f samples/s", offlineRate);
            return new Result(spec.name(), spec.batchSize(), samples, endToEnd, passThrough, offlineRate);
        } finally {
            Directories.deleteRecursively(work);
        }
    }

    private Passes passThrough(String bootstrap, Path work, String key, List<byte[]> values) throws InterruptedException {
        NeurostreamConfig config = config(bootstrap, work, "bench-pass-through");
        TopicSetup.ensureTopics(config);
        Topics topics = new Topics(config.string(NeurostreamConfig.TOPIC_PREFIX));
        AtomicLong forwarded = new AtomicLong();
        Topology topology = new Topology();
        topology.addSource("samples", new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.samples());
        topology.addProcessor("decode", () -> new DecodeAndForward(forwarded), "samples");
        topology.addSink("forwarded", topics.predictions(), new ByteArraySerializer(), new ByteArraySerializer(), "decode");
        try (KafkaStreams streams = new KafkaStreams(topology, config.streamsProperties())) {
            streams.start();
            awaitRunning(streams);
            return steadyRate("pass-through", bootstrap, topics.samples(), key, values, forwarded::get, 1);
        }
    }

    private Passes endToEnd(String bootstrap, Path work, ModelSpec spec, List<byte[]> values) throws InterruptedException {
        NeurostreamConfig config = config(bootstrap, work, "bench-end-to-end");
        ModelSpecPublisher.publish(config, spec, "neurostream bench pipeline");
        Topics topics = new Topics(config.string(NeurostreamConfig.TOPIC_PREFIX));
        try (NeurostreamApp app = NeurostreamApp.start(config)) {
            awaitRunning(app.streams());
            return steadyRate("end to end", bootstrap, topics.samples(), spec.name(), values,
                    () -> ModelProgress.read(app.registry(), spec.name()).trained(), spec.batchSize());
        }
    }

    /**
     * Streams the values {@code warmupPasses} times untimed, then {@code timedPasses} times timed,
     * and returns the rates of the timed passes. The untimed passes let the JIT compile the code
     * paths of Kafka, Avro, RocksDB and the topology first, so the figure is the steady state a
     * long-running application sees.
     * {@code done} counts finished samples, which complete {@code unit} at a time (a batch).
     */
    private Passes steadyRate(String stage, String bootstrap, String topic, String key, List<byte[]> values, LongSupplier done, int unit)
            throws InterruptedException {
        for (int pass = 1; pass <= warmupPasses; pass++) {
            timedPass(bootstrap, topic, key, values, done, finishedAfter(pass, values.size(), unit));
        }
        double[] rates = new double[timedPasses];
        for (int i = 0; i < timedPasses; i++) {
            long before = finishedAfter(warmupPasses + i, values.size(), unit);
            long after = finishedAfter(warmupPasses + i + 1, values.size(), unit);
            rates[i] = (after - before) / timedPass(bootstrap, topic, key, values, done, after);
        }
        note("%s: passes %s samples/s", stage, Arrays.stream(rates).mapToObj(r -> String.format("%,.0f", r)).collect(Collectors.joining(" ")));
        return Passes.of(rates);
    }

    /** Samples finished after {@code passes} passes over {@code n} values when they finish {@code unit} at a time. */
    static long finishedAfter(int passes, int n, int unit) {
        long sent = (long) passes * n;
        return sent - sent % unit;
    }

    /** Produces every value while the topology runs; seconds from the first send until {@code done} reaches {@code target}. */
    private double timedPass(String bootstrap, String topic, String key, List<byte[]> values, LongSupplier done, long target)
            throws InterruptedException {
        Map<String, Object> settings = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 262_144, ProducerConfig.ACKS_CONFIG, "all");
        long start = System.nanoTime();
        Thread feeder = new Thread(() -> {
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer())) {
                for (byte[] value : values) {
                    producer.send(new ProducerRecord<>(topic, key, value));
                }
            }
        }, "bench-producer");
        feeder.start();
        while (done.getAsLong() < target) {
            if (System.nanoTime() - start > TIMEOUT_NANOS) {
                throw new IllegalStateException("only " + done.getAsLong() + " of " + target + " samples done after 10 minutes");
            }
            Thread.sleep(10);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        feeder.join();
        return seconds;
    }

    private NeurostreamConfig config(String bootstrap, Path work, String applicationId) {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", bootstrap);
        settings.put("application.id", applicationId);
        settings.put("state.dir", work.resolve("state").toString());
        settings.put(NeurostreamConfig.TOPIC_PREFIX.name(), applicationId + ".");
        settings.put(NeurostreamConfig.HTTP_PORT.name(), "-1");
        settings.putAll(overrides);
        return NeurostreamConfig.load(null, settings);
    }

    private static List<byte[]> encodedSamples(Path mnistDir, int samples) {
        MnistSource source = MnistSource.load(mnistDir, Mnist.Split.TRAIN, true);
        if (samples < 1 || samples > source.size()) {
            throw new IllegalArgumentException("--samples must be between 1 and " + source.size() + ", got " + samples);
        }
        List<byte[]> values = new ArrayList<>(samples);
        long now = System.currentTimeMillis();
        for (int i = 0; i < samples; i++) {
            values.add(NeurostreamSerdes.sample().encode(source.sample(i, now)));
        }
        return values;
    }

    private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long start = System.nanoTime();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (streams.state() == KafkaStreams.State.ERROR || System.nanoTime() - start > TIMEOUT_NANOS) {
                throw new IllegalStateException("Kafka Streams did not reach RUNNING: " + streams.state());
            }
            Thread.sleep(20);
        }
    }

    private static Path createWorkDir() {
        try {
            return Files.createTempDirectory("neurostream-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work directory for the pipeline benchmark", e);
        }
    }

    private void note(String format, Object... args) {
        log.printf(format + "%n", args);
        log.flush();
    }

    /** Decodes each sample exactly as the training topology does, then forwards it unchanged. */
    private static final class DecodeAndForward implements Processor<byte[], byte[], byte[], byte[]> {
        private final RecordDecoder<Sample> decoder = RecordDecoder.of(Sample.class);
        private final AtomicLong forwarded;
        private ProcessorContext<byte[], byte[]> context;

        DecodeAndForward(AtomicLong forwarded) {
            this.forwarded = forwarded;
        }

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            if (decoder.decode(record.value()) instanceof DecodeResult.Decoded<Sample>) {
                context.forward(record);
            }
            forwarded.incrementAndGet();
        }
    }
}
