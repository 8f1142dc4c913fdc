// `neurostream bench serve`: throughput and latency of serve's predictions from 1, 16 and 64 keep-alive clients, with hot swaps.
package io.neurostream.app.cli;

import io.neurostream.app.bench.ServeBench;
import io.neurostream.app.versions.PublishedModel;
import io.neurostream.core.Nd4jRuntime;
import io.neurostream.core.data.DataLocator;
import io.neurostream.core.data.ImageDataset;
import io.neurostream.core.data.Mnist;
import io.neurostream.core.net.Network;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.Presets;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Single-sample predictions of mnist-mlp (MNIST test images as TF Serving instances of 784 floats) over HTTP/1.1 "
                + "keep-alive from concurrent clients in this process against serve's HTTP server: throughput and p50/p99 latency, "
                + "each client count once steady and once with a new version swapped in every --swap-every. No Kafka."})
final class BenchServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Option(names = "--clients", split = ",", defaultValue = "1,16,64", paramLabel = "N[,N...]", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(names = "--duration", defaultValue = "10s", converter = DurationConverter.class,
            description = "Timed window of each run (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "3s", converter = DurationConverter.class,
            description = "Untimed requests before each window (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--swap-every", defaultValue = "1s", converter = DurationConverter.class,
            description = "Interval of the hot swaps in the swapping runs (default: ${DEFAULT-VALUE}).")
    Duration swapEvery;

    @Option(names = "--rounds", defaultValue = "1", description = "Steady and swapping runs alternated this many times per client count; "
            + "the median change is printed after them (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--threads", description = "Predictions computed at once by the server (default: one per processor, as serve).")
    Integer threads;

    @Option(names = "--data", paramLabel = "DIR", description = "MNIST folder (default: the bundled ops/data/mnist).")
    Path data;

    @Override
    public Integer call() throws Exception {
        return ExitCodes.run(command, this::bench);
    }

    private int bench() throws InterruptedException {
        Nd4jRuntime.ensureConfigured();
        PrintWriter out = command.commandLine().getOut();
        ImageDataset test = Mnist.test(data != null ? data : DataLocator.locate().resolve("mnist"));
        List<byte[]> bodies = new ArrayList<>();
        byte[] pixels = new byte[784];
        for (int i = 0; i < 256; i++) {
            test.pixels(i, pixels, 0);
            StringBuilder body = new StringBuilder("{\"instances\": [[");
            for (int k = 0; k < pixels.length; k++) {
                body.append(k == 0 ? "" : ",").append((pixels[k] & 0xFF) * (1f / 255f));
            }
            bodies.add(body.append("]]}").toString().getBytes(StandardCharsets.UTF_8));
        }
        Network net = Network.create(ModelSpec.parse(Presets.json("mnist-mlp")));
        int slots = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        ServeBench bench = new ServeBench(PublishedModel.of(net, Instant.now()), bodies, slots);
        out.printf("bench serve: mnist-mlp, one instance of 784 floats per request (%,d bytes on average), %d prediction threads, "
                + "%d processors; %s warm-up, %s timed per run%n", bodies.stream().mapToInt(b -> b.length).sum() / bodies.size(), slots,
                Runtime.getRuntime().availableProcessors(), warmup, duration);
        out.printf("%8s %8s %12s %14s %9s %9s %7s %6s%n", "clients", "swaps", "requests", "predictions/s", "p50 ms", "p99 ms", "failed", "Δ/s");
        out.flush();
        if (clients.stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("--clients: each count must be >= 1, got " + clients);
        }
        bench.run(16, warmup, warmup, null); // untimed: the JIT compiles the server's and the network's hot paths first
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds: must be >= 1, got " + rounds);
        }
        for (int n : clients) {
            double[] changes = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ServeBench.Result steady = bench.run(n, warmup, duration, null);
                print(out, steady, Double.NaN);
                ServeBench.Result swapping = bench.run(n, warmup, duration, swapEvery);
                changes[r] = swapping.perSecond() / steady.perSecond() - 1;
                print(out, swapping, changes[r]);
            }
            if (rounds > 1) {
                Arrays.sort(changes);
                out.printf("%8d clients: swapping changed throughput by %+.1f%% (median of %d alternated pairs; range %+.1f%% to %+.1f%%)%n", n,
                        100 * changes[rounds / 2], rounds, 100 * changes[0], 100 * changes[rounds - 1]);
                out.flush();
            }
        }
        return 0;
    }

    private static void print(PrintWriter out, ServeBench.Result r, double change) {
        out.printf("%8d %8s %,12d %,14.0f %9.2f %9.2f %7d %6s%n", r.clients(), r.swapping() ? Long.toString(r.swaps()) : "-", r.requests(),
                r.perSecond(), r.p50Millis(), r.p99Millis(), r.failed(), Double.isNaN(change) ? "" : String.format("%+.1f%%", 100 * change));
        out.flush();
    }
}
