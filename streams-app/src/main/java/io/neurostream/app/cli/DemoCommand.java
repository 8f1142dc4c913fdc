// `neurostream demo`: the whole product in one process — embedded broker, MNIST producer, training topology, metrics.
package io.neurostream.app.cli;

import io.neurostream.app.broker.EmbeddedKafka;
import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.metrics.ModelProgress;
import io.neurostream.app.produce.MnistSource;
import io.neurostream.app.produce.ModelSpecPublisher;
import io.neurostream.app.produce.SampleFeeder;
import io.neurostream.app.records.ReplicaKeys;
import io.neurostream.app.runtime.Directories;
import io.neurostream.app.runtime.NeurostreamApp;
import io.neurostream.core.data.DataLocator;
import io.neurostream.core.data.Mnist;
import io.neurostream.core.spec.ModelSpec;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start a one-node Kafka broker in this process, stream the bundled MNIST training images into the samples topic "
                + "(uint8 pixels, labelled), then the test images without labels (predicted only), and train the model on them "
                + "inside Kafka Streams, printing progress. /metrics, /health and a live page are served over HTTP.",
                "Ends when every sample is accounted for (trained, predicted or dead-lettered), at --duration, or on Ctrl-C."},
        footer = {"", "The last (samples mod batch size) training samples wait in the model's journal for a next batch; "
                + "they are not counted as trained when the demo ends.",
                "", "The broker's data and the state stores live in a folder under $XDG_CACHE_HOME/neurostream "
                + "(default ~/.cache/neurostream), deleted when the demo ends.",
                "", "Example:", "  java -jar streams-app/target/neurostream.jar demo --samples 20000 --duration 2m"})
final class DemoCommand implements Callable<Integer> {
    static final String PRODUCER_CLIENT_ID = "neurostream-demo";
    static final long STOP_WAIT_SECONDS = 90;

    @Spec
    CommandSpec command;

    @Option(names = "--model", paramLabel = "NAME|SPEC.json", defaultValue = "mnist-mlp",
            description = "A preset (mnist-mlp, lenet5, mnist-cnn, ...) or a spec file whose input fits 28x28 images (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--models", split = ",", paramLabel = "NAME|SPEC.json",
            description = "Several models on one stream, instead of --model: each learns from every image, side by side; the first names the "
                    + "stream, the others read it (their spec's source), e.g. --models mnist-mlp,lenet5.")
    List<String> models;

    @Option(names = "--replicas", paramLabel = "R", defaultValue = "1",
            description = "Train the model as R replicas on R partitions (\"replicas\": R in its spec; neurostream.topic.partitions R and "
                    + "num.stream.threads 2 unless set), samples keyed by the shard of their id; progress sums the replicas "
                    + "(default: ${DEFAULT-VALUE}, one model on one partition).")
    int replicas;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "60000", description = "Training images to stream (default: all ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--test-samples", paramLabel = "N", defaultValue = "10000",
            description = "Test images streamed afterwards without labels, only predicted (default: ${DEFAULT-VALUE}; 0 for none).")
    int testSamples;

    @Option(names = "--duration", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Stop after this long, e.g. 90s, 10m, 1h (default: when every sample is accounted for).")
    Duration duration;

    @Option(names = "--rate", paramLabel = "N[/s]", converter = ProduceCommand.RateConverter.class,
            description = "Produce at most N samples per second (default: as fast as Kafka takes them).")
    Double rate;

    @Option(names = "--data", paramLabel = "DIR", description = "MNIST folder (default: the bundled ops/data/mnist).")
    Path data;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Port of /metrics, /health and the live page (default: neurostream.http.port, 9464; 0 picks a free one, -1 none).")
    Integer httpPort;

    @Option(names = "--broker-port", paramLabel = "PORT", defaultValue = "0", description = "Port of the embedded broker (default: a free one).")
    int brokerPort;

    @Option(names = "--progress-every", paramLabel = "TIME", converter = DurationConverter.class, defaultValue = "5s",
            description = "Interval of the progress lines (default: ${DEFAULT-VALUE}).")
    Duration progressEvery;

    @Option(names = "--json", description = "End with one JSON line: the summary.")
    boolean json;

    @Mixin
    ConfigOptions config;

    /** The end of a demo run, as printed by --json. */
    record Summary(String model, long samples_produced, long trained, long predicted, long dead_lettered, long model_step,
                   double seconds, double trained_per_second, double training_loss, double prequential_accuracy_fading,
                   double prequential_accuracy_window, String stopped_by) {}

    @Override
    public Integer call() throws Exception {
        return ExitCodes.run(command, this::demo);
    }

    private int demo() throws Exception {
        if (samples < 1 || testSamples < 0) {
            throw new IllegalArgumentException("--samples must be >= 1 and --test-samples >= 0, got " + samples + " and " + testSamples);
        }
        if (replicas < 1 || replicas > 256) {
            throw new IllegalArgumentException("--replicas must be between 1 and 256, got " + replicas);
        }
        if (replicas > 1 && models != null && !models.isEmpty()) {
            throw new IllegalArgumentException("--replicas goes with --model, not --models (a replicated model reads its own stream)");
        }
        List<ModelSpec> specs = specs();
        ModelSpec spec = specs.get(0); // names the stream
        Path mnist = data != null ? data : DataLocator.locate().resolve("mnist");
        MnistSource train = MnistSource.load(mnist, Mnist.Split.TRAIN, true);
        MnistSource test = MnistSource.load(mnist, Mnist.Split.TEST, false);
        int trainCount = Math.min(samples, train.size());
        int testCount = Math.min(testSamples, test.size());
        PrintWriter out = command.commandLine().getOut();
        Files.createDirectories(workRoot());
        Path work = Files.createTempDirectory(workRoot(), "demo-");
        // on Ctrl-C or SIGTERM the progress loop ends; the JVM waits while the app, the broker and the files are closed
        try (StopOnSignal signal = new StopOnSignal("neurostream-demo-stop", STOP_WAIT_SECONDS, () -> {})) {
            try (EmbeddedKafka kafka = EmbeddedKafka.builder().port(brokerPort).dataDir(work.resolve("kafka")).build().start()) {
                NeurostreamConfig config = this.config.load(overrides(kafka.bootstrapServers(), work, specs.get(0).replication().replicas()));
                for (ModelSpec each : specs) {
                    ModelSpecPublisher.publish(config, each, "neurostream demo");
                }
                try (NeurostreamApp app = NeurostreamApp.start(config)) {
                    for (ModelSpec each : specs) {
                        out.printf("demo: Kafka at %s; training %s (%s) on %,d MNIST images, then predicting %,d unlabelled ones%s%n",
                                kafka.bootstrapServers(), each.name(), each.description(), trainCount, testCount,
                                specs.size() > 1 ? " (stream " + spec.name() + ")" : "");
                    }
                    printEndpoints(out, config, app);
                    out.flush();
                    int r = spec.replication().replicas();
                    SampleFeeder feeder = new SampleFeeder(config, PRODUCER_CLIENT_ID, spec.name(), r, rate, train, trainCount, test, testCount);
                    if (r > 1) {
                        out.printf("demo: %s as %d replicas on %d partitions and %d stream threads, merging every %d mini-batches%n", spec.name(), r,
                                config.intValue(NeurostreamConfig.TOPIC_PARTITIONS), Integer.parseInt(config.streamsProperties().getProperty("num.stream.threads", "1")), spec.replication().syncEvery());
                    }
                    feeder.start();
                    List<Summary> summaries = watch(app, specs, feeder, train, trainCount, signal);
                    feeder.stop();
                    for (Summary summary : summaries) {
                        out.println(describe(summary));
                    }
                    if (json) {
                        for (Summary summary : summaries) {
                            out.println(JsonLine.of(summary));
                        }
                    }
                    out.flush();
                }
            } finally {
                Directories.deleteRecursively(work);
            }
        }
        return ExitCodes.OK;
    }

    /** --models (the first names the stream; the others get it as their source), else --model. */
    private List<ModelSpec> specs() {
        if (models == null || models.isEmpty()) {
            ModelSpec one = SpecArgument.resolve(model);
            return List.of(replicas > 1 ? one.with(Map.of("replicas", replicas)) : one);
        }
        List<ModelSpec> specs = new ArrayList<>();
        for (String name : models) {
            ModelSpec each = SpecArgument.resolve(name.strip());
            String stream = specs.isEmpty() ? each.name() : specs.get(0).name();
            if (!each.source().equals(stream)) {
                each = each.with(Map.of("source", stream));
            }
            for (ModelSpec other : specs) {
                if (other.name().equals(each.name())) {
                    throw new IllegalArgumentException("--models names model " + each.name() + " twice; give each model its own name");
                }
            }
            specs.add(each);
        }
        return specs;
    }

    /**
     * Where a demo run keeps its broker data and Kafka Streams state, deleted when it ends:
     * {@code $XDG_CACHE_HOME/neurostream}, by default {@code ~/.cache/neurostream}. Not the
     * temporary folder, which the OS may clear under a running app (Kafka Streams warns about a
     * state directory there).
     */
    static Path workRoot() {
        String cache = System.getenv("XDG_CACHE_HOME");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("neurostream");
    }

    /**
     * What the demo sets on top of --config and --set: its broker, and unless set a state folder in its work folder and the HTTP port;
     * for a replicated model, unless set, as many partitions as replicas and two stream threads.
     */
    private Map<String, String> overrides(String bootstrap, Path work, int replicas) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("bootstrap.servers", bootstrap);
        if (!config.settings.containsKey("state.dir")) {
            overrides.put("state.dir", work.resolve("streams-state").toString());
        }
        if (httpPort != null) {
            overrides.put(NeurostreamConfig.HTTP_PORT.name(), httpPort.toString());
        }
        if (replicas > 1 && !config.settings.containsKey(NeurostreamConfig.TOPIC_PARTITIONS.name())) {
            overrides.put(NeurostreamConfig.TOPIC_PARTITIONS.name(), Integer.toString(replicas));
        }
        if (replicas > 1 && !config.settings.containsKey("num.stream.threads")) {
            overrides.put("num.stream.threads", "2");
        }
        return overrides;
    }

    private static void printEndpoints(PrintWriter out, NeurostreamConfig config, NeurostreamApp app) {
        int port = app.httpPort();
        if (port < 0) {
            out.println("demo: HTTP metrics server off (neurostream.http.port=-1)");
            return;
        }
        String base = "http://" + config.string(NeurostreamConfig.HTTP_HOST) + ":" + port;
        out.printf("demo: live page %s/  metrics %s/metrics  health %s/health%n", base, base, base);
    }

    /**
     * Prints progress (a line per model) until every produced sample is accounted for by every model, the duration ends, a
     * signal comes, or Kafka Streams stops.
     */
    private List<Summary> watch(NeurostreamApp app, List<ModelSpec> specs, SampleFeeder feeder, MnistSource train, int trainCount,
            StopOnSignal signal)
            throws InterruptedException {
        PrintWriter out = command.commandLine().getOut();
        long start = System.nanoTime();
        long deadline = duration == null ? Long.MAX_VALUE : start + duration.toNanos();
        long[] waiting = new long[specs.size()];
        for (int i = 0; i < specs.size(); i++) {
            waiting[i] = waitingInJournal(specs.get(i), train, trainCount);
        }
        List<ProgressLines> lines = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            lines.add(new ProgressLines(start, app.config().string(NeurostreamConfig.WINDOW_SIZE)));
        }
        while (true) {
            long next = Math.min(deadline, System.nanoTime() + progressEvery.toNanos());
            while (System.nanoTime() < next && !signal.signalled() && !app.stopped().isDone() && !allAccounted(app, specs, feeder, waiting)) {
                Thread.sleep(50);
            }
            long now = System.nanoTime();
            String stoppedBy = app.stopped().isDone() ? "kafka-streams-stopped"
                    : allAccounted(app, specs, feeder, waiting) ? "all-accounted"
                    : signal.signalled() ? "signal"
                    : now >= deadline ? "duration"
                    : null;
            for (int i = 0; i < specs.size(); i++) {
                ModelProgress p = progress(app, specs.get(i));
                String line = lines.get(i).next(now, feeder.produced(), p, stoppedBy != null);
                if (line != null) {
                    out.println(specs.size() > 1 ? specs.get(i).name() + " " + line : line);
                    out.flush();
                }
            }
            if (feeder.failure() != null) {
                throw feeder.failure();
            }
            if (app.stopped().isDone() && app.stopped().join() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("Kafka Streams stopped with an error (see the log above)");
            }
            if (stoppedBy != null) {
                List<Summary> summaries = new ArrayList<>();
                for (ModelSpec spec : specs) {
                    summaries.add(summary(app, spec, feeder, start, stoppedBy));
                }
                return summaries;
            }
        }
    }

    private static Summary summary(NeurostreamApp app, ModelSpec spec, SampleFeeder feeder, long start, String stoppedBy) {
        ModelProgress p = progress(app, spec);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Summary(spec.name(), feeder.produced(), p.trained(), p.predicted(), p.deadLettered(), p.step(), seconds,
                p.trained() / seconds, p.trainingLoss(), p.fadingAccuracy(), p.windowAccuracy(), stoppedBy);
    }

    /**
     * A model's progress; of a replicated model, its replicas NAME#s together: samples and steps summed, loss and accuracies the
     * mean of the replicas that have one (dead letters count every model already).
     */
    static ModelProgress progress(NeurostreamApp app, ModelSpec spec) {
        if (!spec.replication().replicated()) {
            return ModelProgress.read(app.registry(), spec.name());
        }
        return combined(ReplicaKeys.keys(spec.name(), spec.replication().replicas()).stream()
                .map(key -> ModelProgress.read(app.registry(), key)).toList());
    }

    /** Replicas' progress as one: counts summed, loss and accuracies averaged over the replicas with a value (NaN when none has). */
    static ModelProgress combined(List<ModelProgress> replicas) {
        return new ModelProgress(replicas.stream().mapToLong(ModelProgress::trained).sum(), replicas.stream().mapToLong(ModelProgress::predicted).sum(),
                replicas.get(0).deadLettered(), replicas.stream().mapToLong(ModelProgress::step).sum(),
                mean(replicas.stream().mapToDouble(ModelProgress::trainingLoss)), mean(replicas.stream().mapToDouble(ModelProgress::fadingAccuracy)),
                mean(replicas.stream().mapToDouble(ModelProgress::windowAccuracy)));
    }

    private static double mean(java.util.stream.DoubleStream values) {
        return values.filter(Double::isFinite).average().orElse(Double.NaN);
    }

    /**
     * The training samples that wait in a partial batch at the end: of a replicated model, those of each replica's shard
     * (a round left open by a replica with no more samples closes after neurostream.sync.max.wait.ms, and the others then train
     * what they held).
     */
    private static long waitingInJournal(ModelSpec spec, MnistSource train, int trainCount) {
        int r = spec.replication().replicas();
        if (r == 1) {
            return trainCount % spec.batchSize();
        }
        long[] shards = new long[r];
        for (int i = 0; i < trainCount; i++) {
            shards[ReplicaKeys.shardOf(train.sample(i, 0).getId(), r)]++;
        }
        long waiting = 0;
        for (long n : shards) {
            waiting += n % spec.batchSize();
        }
        return waiting;
    }

    private static boolean allAccounted(NeurostreamApp app, List<ModelSpec> specs, SampleFeeder feeder, long[] waiting) {
        if (!feeder.done()) {
            return false;
        }
        for (int i = 0; i < specs.size(); i++) {
            ModelSpec spec = specs.get(i);
            if (progress(app, spec).accounted() + waiting[i] < feeder.produced()) {
                return false;
            }
        }
        return true;
    }

    private static String describe(Summary s) {
        return String.format("demo: %s after %.0f s (%s): %,d produced, %,d trained (%,.0f/s), %,d predicted, %,d dead-lettered; "
                        + "model step %,d, last mini-batch loss %.4f, prequential accuracy %s fading, %s window",
                s.model(), s.seconds(), s.stopped_by(), s.samples_produced(), s.trained(), s.trained_per_second(), s.predicted(),
                s.dead_lettered(), s.model_step(), s.training_loss(), percent(s.prequential_accuracy_fading()),
                percent(s.prequential_accuracy_window()));
    }

    static String percent(double fraction) {
        return Double.isNaN(fraction) ? "-" : String.format("%.2f%%", 100 * fraction);
    }
}
