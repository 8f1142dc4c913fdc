// `neurostream train`: trains a model offline on a dataset and reports test loss and accuracy (a text model: held-out nats/char and a sample).
package io.neurostream.app.cli;

import io.neurostream.core.Nd4jRuntime;
import io.neurostream.core.codec.SnapshotCodec;
import io.neurostream.core.data.TextCorpus;
import io.neurostream.core.net.Network;
import io.neurostream.core.net.Sampler;
import io.neurostream.core.onnx.OnnxException;
import io.neurostream.core.onnx.OnnxImport;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model offline (no Kafka) and report test-set loss and accuracy.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Option(names = "--model", required = true, paramLabel = "NAME|SPEC.json", description = "A preset name or a model spec file.")
    String model;

    @Option(names = "--data", paramLabel = "DIR|SET",
            description = "IDX directory (MNIST layout), a text file (for a token model such as char-lstm: 90%% train, 10%% held out)"
                    + " or a synthetic set: linear, and, or, xor, circle. Default: bundled MNIST for 784-input models.")
    String data;

    @Option(names = "--epochs", defaultValue = "1", description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--max-samples", defaultValue = "0", paramLabel = "N",
            description = "Stop after this many training samples (text: windows of T characters); 0 = no limit.")
    long maxSamples;

    @Option(names = "--max-seconds", defaultValue = "0", paramLabel = "S", description = "Stop training after about this many seconds; 0 = no limit.")
    double maxSeconds;

    @Option(names = "--generate", defaultValue = "300", paramLabel = "CHARS",
            description = "Text models: characters to generate after training, primed with the start of the held-out text (default: ${DEFAULT-VALUE}; 0: none).")
    int generate;

    @Option(names = "--temperature", defaultValue = "0.8", description = "Sampling temperature for --generate (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--batch", description = "Mini-batch size (default: the spec's batch_size).")
    Integer batch;

    @Option(names = "--seed", description = "Seed for weights and shuffling (default: the spec's seed).")
    Long seed;

    @Option(names = "--threads", defaultValue = "1", description = "ND4J (OpenMP/BLAS) threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--json", description = "End with one JSON line: model, samples, seconds, samples_per_second, test_accuracy, test_loss.")
    boolean json;

    /** What {@code --init-from} takes, said once for every command that has it. */
    static final String ONNX_WEIGHTS = "the weights of an ONNX model (a neurostream export, or a chain of Gemm/Conv/MaxPool/Flatten/"
            + "activation ops from another framework) instead of the seed's; its parameters must have the spec's shapes, in order.";

    @Option(names = "--init-from", paramLabel = "MODEL.onnx",
            description = "Start from " + ONNX_WEIGHTS)
    Path initFrom;

    @Option(names = "--save", paramLabel = "FILE",
            description = "After training, write the model's snapshot (spec, weights, optimizer state, counters) to FILE, "
                    + "for 'models export NAME --snapshot FILE'.")
    Path save;

    @Override
    public Integer call() {
        Nd4jRuntime.configureThreads(threads);
        ModelSpec spec = SpecArgument.resolve(model);
        Map<String, Object> overrides = new LinkedHashMap<>();
        if (batch != null) {
            overrides.put("batch_size", batch);
        }
        if (seed != null) {
            overrides.put("seed", seed);
        }
        spec = overrides.isEmpty() ? spec : spec.with(overrides);
        TextCorpus text = TrainingData.text(data);
        if (text != null) {
            spec = TrainingData.forText(spec, text);
        }
        Network net = Network.create(spec);
        PrintWriter out = command.commandLine().getOut();
        if (initFrom != null) {
            OnnxImport imported = readOnnx(initFrom);
            try {
                imported.loadInto(net);
            } catch (OnnxException e) {
                throw new IllegalArgumentException(initFrom + ": " + e.getMessage(), e);
            }
            out.printf("initial weights from %s (%s)%n", initFrom, imported.origin());
        }
        TrainingData training = TrainingData.resolve(data, net, spec.seed());
        out.printf("training %s (%,d parameters) on %s: %d epoch(s), batch %d, seed %d, %d thread(s)%n",
                spec.name(), net.params().trainableCount(), training.description(), epochs, spec.batchSize(), spec.seed(), threads);
        out.flush();
        Trainer trainer = new Trainer(epochs, spec.batchSize(), spec.seed(), 2.0, p -> {
            out.printf("epoch %d/%d  %,d/%,d samples  %,.0f samples/s  loss %.4f%n",
                    p.epoch(), p.epochs(), p.samples(), p.totalSamples(), p.samplesPerSecond(), p.loss());
            out.flush();
        }, maxSamples, maxSeconds);
        Trainer.Result result = trainer.train(net, training.train(), training.test());
        out.printf("trained %,d samples in %.1f s (%,.0f samples/s, %d skipped steps); test: accuracy %.2f%%, loss %.4f on %,d samples%n",
                result.samples(), result.seconds(), result.samplesPerSecond(), result.skippedSteps(),
                100 * result.test().accuracy(), result.test().loss(), result.test().examples());
        if (training.heldOutText() != null) {
            reportText(out, net, training.heldOutText(), result);
        }
        if (save != null) {
            byte[] snapshot = SnapshotCodec.encode(net);
            write(save, snapshot);
            out.printf("snapshot of %s (step %,d, %,d bytes) written to %s%n", spec.name(), net.counters().steps(), snapshot.length, save);
        }
        if (json) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("model", result.model());
            line.put("samples", result.samples());
            line.put("seconds", result.seconds());
            line.put("samples_per_second", result.samplesPerSecond());
            line.put("test_accuracy", result.test().accuracy());
            line.put("test_loss", result.test().loss());
            line.put("test_samples", result.test().examples());
            line.put("skipped_steps", result.skippedSteps());
            line.put("epochs", epochs);
            line.put("batch", spec.batchSize());
            line.put("seed", spec.seed());
            out.println(JsonLine.of(line));
        }
        out.flush();
        return 0;
    }

    /** The ONNX model in {@code file}; a missing file or a model that does not map is bad input naming the file. */
    static OnnxImport readOnnx(Path file) {
        try {
            return OnnxImport.read(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        } catch (OnnxException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    private void reportText(PrintWriter out, Network net, TextCorpus heldOut, Trainer.Result result) {
        double nats = result.test().loss();
        int steps = net.inputShape().dim(0);
        out.printf("trained %,d characters (%,.0f characters/s)%n", result.samples() * steps, result.samplesPerSecond() * steps);
        out.printf("held-out: %.4f nats/char (%.3f bits/char), next-character accuracy %.2f%% over %,d windows of %d characters%n",
                nats, nats / Math.log(2), 100 * result.test().accuracy(), result.test().examples(), steps);
        if (generate > 0) {
            int[] prime = new int[steps];
            for (int t = 0; t < steps; t++) {
                prime[t] = heldOut.token(t);
            }
            Sampler sampler = new Sampler(net, temperature, net.spec().seed());
            out.printf("%d generated characters (temperature %.2f, primed with the first %d held-out characters):%n%s%n",
                    generate, temperature, steps, heldOut.decode(sampler.generate(prime, generate)));
        }
    }
}
