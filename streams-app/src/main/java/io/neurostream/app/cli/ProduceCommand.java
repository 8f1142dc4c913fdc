// `neurostream produce`: a dataset or a file as Sample records on the samples topic, keyed by model name.
package io.neurostream.app.cli;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.produce.CsvSource;
import io.neurostream.app.produce.MnistSource;
import io.neurostream.app.produce.ModelSpecPublisher;
import io.neurostream.app.produce.ModelsTopic;
import io.neurostream.app.produce.Outage;
import io.neurostream.app.produce.Pacer;
import io.neurostream.app.produce.Producers;
import io.neurostream.app.produce.Progress;
import io.neurostream.app.produce.SampleProducer;
import io.neurostream.app.produce.SampleSource;
import io.neurostream.app.produce.SyntheticSource;
import io.neurostream.app.produce.TextSource;
import io.neurostream.app.runtime.TopicSetup;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.topology.Topics;
import io.neurostream.core.data.Mnist;
import io.neurostream.core.data.TextCorpus;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.schemas.Label;
import io.neurostream.schemas.Sample;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.Serializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Write a dataset or a file as Sample records (Avro single-object encoding) to the samples topic, keyed by the model name "
                + "(by NAME#s for a model with replicas: see --replicas).",
                "Progress (count, rate, ETA) goes to stderr, the summary to stdout. Without --topic the neurostream topics are created when absent."},
        footer = {"",
                "Records:",
                "  --mnist      'pixels' (uint8) of shape [1,28,28], 'label' = the digit;",
                "               files {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]",
                "               (MNIST, Fashion-MNIST). Ids <folder>-<split>-<index>,",
                "               e.g. mnist-train-0.",
                "  --csv        one sample per line 'label,f1,f2,...' (no quoting): 'values'",
                "               (floats) of shape [F], 'label' = the integer label; an empty",
                "               label means no label; a first line without any number is a",
                "               header. Ids <file>-<row>, rows counted from 0.",
                "  --text       'tokens': token k is the k-th distinct character of the file",
                "               in code point order. The model needs input {\"shape\": [T],",
                "               \"vocabulary\": V} with V as printed at the start. Sample i",
                "               holds the T+1 tokens at i*T .. i*T+T, with no label or",
                "               target: a next-token model reads the first T and learns to",
                "               predict the last T (each the character after its input).",
                "               With --no-labels: the T tokens at i*T .. i*T+T-1, predicted",
                "               only. Ids <file>-T<T>-<i>.",
                "  --synthetic  'values' (x, y) of shape [2], 'label' 0 or 1, drawn with",
                "               --seed. Ids <set>-<seed>-<index>.",
                "",
                "Exit codes: 0 done, 1 Kafka or I/O failure, 2 bad flag, file or setting.",
                "",
                "Example:",
                "  neurostream produce --bootstrap-servers 127.0.0.1:9092 --model mnist-mlp \\",
                "      --mnist ops/data/mnist --rate 500/s --limit 10000"})
final class ProduceCommand implements Callable<Integer> {
    static final int DEFAULT_SEQUENCE_LENGTH = 64;
    static final int DEFAULT_SYNTHETIC_COUNT = 1_000;
    static final long DEFAULT_SYNTHETIC_SEED = 1;
    static final long STOP_WAIT_SECONDS = 10;

    @Spec
    CommandSpec command;

    @Option(names = "--model", required = true, paramLabel = "NAME",
            description = "The model the samples are for: the record key (a preset such as mnist-mlp, or a name created with 'models create').")
    String model;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "%nSource (exactly one):%n")
    SourceOptions source;

    @Option(names = "--split", paramLabel = "train|test",
            description = "With --mnist: the training (60,000) or test (10,000) images (default: train).")
    String split;

    @Option(names = "--replicas", paramLabel = "R",
            description = "Spread the samples (or labels) over the model's R replicas: each keyed NAME#s, s = the shard of its id, in the "
                    + "partition of that shard (README, \"One model on many partitions\"). Default: the \"replicas\" of the model's spec "
                    + "on the models topic, else 1 (every record keyed NAME).")
    Integer replicas;

    @Option(names = "--no-labels",
            description = "Send no labels (text: no next token), so the model only predicts; default: labelled samples it also trains on.")
    boolean noLabels;

    @Option(names = "--labels-only",
            description = "Send only the labels, as Label records (id, label or target, event time) to the labels topic, for samples sent "
                    + "earlier with --no-labels (delayed labels: neurostream.labels.max.delay.ms > 0); not with --text.")
    boolean labelsOnly;

    @Option(names = "--seq-len", paramLabel = "T",
            description = "With --text: input tokens per sample (default: " + DEFAULT_SEQUENCE_LENGTH + ").")
    Integer sequenceLength;

    @Option(names = "--count", paramLabel = "N",
            description = "With --synthetic: points to generate (default: " + DEFAULT_SYNTHETIC_COUNT + ").")
    Integer count;

    @Option(names = "--topic", paramLabel = "TOPIC",
            description = "Topic to write to (default: <neurostream.topic.prefix>samples, created with the other topics when absent).")
    String topic;

    @Option(names = "--rate", paramLabel = "N[/s]", converter = RateConverter.class,
            description = "At most N samples per second, e.g. 500 or 500/s (default: as fast as Kafka takes them).")
    Double rate;

    @Option(names = "--limit", paramLabel = "N", description = "Send at most N samples (default: all).")
    Integer limit;

    @Option(names = "--seed", paramLabel = "S",
            description = "With --synthetic: the generator's seed (default: " + DEFAULT_SYNTHETIC_SEED + "). "
                    + "Otherwise: send in an order shuffled with this seed (ids stay those of the file order); default: file order.")
    Long seed;

    @Option(names = "--retry-for", paramLabel = "TIME", converter = DurationConverter.class, defaultValue = "2m",
            description = "When the broker stops answering mid-run, keep retrying each send for up to this long, saying so on stderr "
                    + "(default: ${DEFAULT-VALUE}); the producer is idempotent, so a retried sample is written once.")
    Duration retryFor;

    @Mixin
    KafkaOptions kafka;

    /** Exactly one of these. */
    static final class SourceOptions {
        @Option(names = "--mnist", paramLabel = "DIR", description = "An MNIST-layout folder, e.g. ops/data/mnist.")
        Path mnist;

        @Option(names = "--csv", paramLabel = "FILE", description = "A CSV file of label,f1,f2,... rows.")
        Path csv;

        @Option(names = "--text", paramLabel = "FILE", description = "A UTF-8 text file, e.g. ops/data/text/tinyshakespeare.txt.")
        Path text;

        @Option(names = "--synthetic", paramLabel = "SET", description = "linear, and, or, xor or circle.")
        String synthetic;
    }

    /** "500" or "500/s": samples per second, > 0. */
    static final class RateConverter implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            String number = value.endsWith("/s") ? value.substring(0, value.length() - 2) : value;
            double perSecond;
            try {
                perSecond = Double.parseDouble(number);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a rate: expected samples per second, e.g. 500 or 500/s");
            }
            if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
                throw new TypeConversionException("'" + value + "' is not a rate > 0 samples per second");
            }
            return perSecond;
        }
    }

    @Override
    public Integer call() throws Exception {
        return ExitCodes.run(command, this::produce);
    }

    private int produce() throws InterruptedException {
        checkOptions();
        NeurostreamConfig config = kafka.load();
        SampleSource samples = openSource();
        kafka.probe(config, command);
        int[] order = SampleProducer.order(samples.size(), limit, source.synthetic == null ? seed : null);
        Topics topics = new Topics(config.string(NeurostreamConfig.TOPIC_PREFIX));
        String target = topic != null ? topic : labelsOnly ? topics.labels() : topics.samples();
        String bootstrap = config.streamsProperties().getProperty("bootstrap.servers");
        if (topic == null) {
            TopicSetup.ensureTopics(config);
        }
        Serializer<Sample> values = labelsOnly ? ProduceCommand::labelOf : NeurostreamSerdes.sample().serializer();
        Producer<String, Sample> producer = Producers.create(config, "neurostream-produce", values, retryFor);
        int spread;
        try {
            spread = replicas != null ? replicas : ModelsTopic.read(config, model).spec().map(s -> s.replication().replicas()).orElse(1);
            ModelSpecPublisher.checkReplicas(model, spread, target, producer.partitionsFor(target).size());
        } catch (RuntimeException e) {
            producer.close();
            throw e;
        }
        String keys = spread == 1 ? "key " + model : "keys " + model + "#0.." + model + "#" + (spread - 1) + " by the shard of each id";
        PrintWriter out = command.commandLine().getOut();
        out.printf("producing %,d %s of %s to topic %s (%s) on %s%n", order.length, labelsOnly ? "labels" : "samples", samples.description(), target,
                keys, bootstrap);
        out.flush();
        Pacer pacer = rate == null ? Pacer.unlimited() : new Pacer(rate, Pacer.SYSTEM);
        Progress progress = new Progress(command.commandLine().getErr(), command.qualifiedName() + ": ", Progress.isTerminal(),
                order.length, System::nanoTime);
        SampleProducer sender = new SampleProducer(producer, target, model, spread, pacer, System::currentTimeMillis, System::nanoTime);
        // on Ctrl-C or SIGTERM the sender stops; it flushes what it sent and the summary is printed
        try (StopOnSignal signal = new StopOnSignal("neurostream-produce-stop", STOP_WAIT_SECONDS, sender::stop);
             Outage outage = new Outage(command.commandLine().getErr(), command.qualifiedName() + ": ", bootstrap, retryFor,
                     sender::sent, sender::acknowledged, System::nanoTime).start()) {
            SampleProducer.Result result;
            try {
                result = sender.produce(samples, order, progress);
            } finally {
                producer.close();
            }
            String what = labelsOnly ? "labels" : "samples";
            out.printf("%s %,d %s to topic %s (%s) in %.1f s, %,.0f %s/s%n", result.stopped() ? "stopped: produced" : "produced",
                    result.samples(), what, target, spread == 1 ? "key " + model : "keys " + model + "#s, " + spread + " replicas", result.seconds(), result.samplesPerSecond(), what);
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** A sample's label as the Label record a delayed label is: its id, label or target, and event time. */
    static byte[] labelOf(String topic, Sample sample) {
        return NeurostreamSerdes.label().encode(Label.newBuilder().setId(sample.getId()).setLabel(sample.getLabel()).setTarget(sample.getTarget())
                .setEventTime(sample.getEventTime()).build());
    }

    /** Options that only apply to one source, and values out of range: one line naming the value. */
    private void checkOptions() {
        if (model.isBlank()) {
            throw new IllegalArgumentException("--model must not be empty");
        }
        if (split != null && source.mnist == null) {
            throw new IllegalArgumentException("--split " + split + " applies to --mnist only");
        }
        if (split != null && !split.equals("train") && !split.equals("test")) {
            throw new IllegalArgumentException("--split must be train or test, got \"" + split + "\"");
        }
        if (sequenceLength != null && source.text == null) {
            throw new IllegalArgumentException("--seq-len " + sequenceLength + " applies to --text only");
        }
        if (sequenceLength != null && sequenceLength < 1) {
            throw new IllegalArgumentException("--seq-len must be >= 1, got " + sequenceLength);
        }
        if (count != null && source.synthetic == null) {
            throw new IllegalArgumentException("--count " + count + " applies to --synthetic only");
        }
        if (count != null && count < 1) {
            throw new IllegalArgumentException("--count must be >= 1, got " + count);
        }
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be >= 1, got " + limit);
        }
        if (labelsOnly && (noLabels || source.text != null)) {
            throw new IllegalArgumentException("--labels-only sends labels, so it takes no --no-labels, and not --text (a next-token model's "
                    + "samples carry their own labels)");
        }
        if (replicas != null && (replicas < 1 || replicas > ModelSpec.Replication.MAX_REPLICAS)) {
            throw new IllegalArgumentException("--replicas must be in [1, " + ModelSpec.Replication.MAX_REPLICAS + "], got " + replicas);
        }
        if (topic != null && topic.isBlank()) {
            throw new IllegalArgumentException("--topic must not be empty");
        }
    }

    private SampleSource openSource() {
        boolean labelled = !noLabels;
        if (source.mnist != null) {
            Mnist.Split which = "test".equals(split) ? Mnist.Split.TEST : Mnist.Split.TRAIN;
            return MnistSource.load(source.mnist, which, labelled);
        }
        if (source.csv != null) {
            return CsvSource.load(source.csv, labelled);
        }
        if (source.text != null) {
            int t = sequenceLength == null ? DEFAULT_SEQUENCE_LENGTH : sequenceLength;
            return new TextSource(TextCorpus.load(source.text), t, labelled);
        }
        long generatorSeed = seed == null ? DEFAULT_SYNTHETIC_SEED : seed;
        return SyntheticSource.of(source.synthetic, count == null ? DEFAULT_SYNTHETIC_COUNT : count, generatorSeed, labelled);
    }
}
