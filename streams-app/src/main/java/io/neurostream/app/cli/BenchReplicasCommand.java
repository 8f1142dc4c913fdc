// `neurostream bench replicas`: what R replicas of one model learn from one pass over MNIST and what they sync, simulated in one process.
package io.neurostream.app.cli;

import io.neurostream.core.Nd4jRuntime;
import io.neurostream.core.bench.ModelBench;
import io.neurostream.core.data.DataLocator;
import io.neurostream.core.data.Dataset;
import io.neurostream.core.data.Mnist;
import io.neurostream.core.replica.ReplicaCostModel;
import io.neurostream.core.replica.ReplicaSimulation;
import io.neurostream.core.spec.ModelSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "replicas", mixinStandardHelpOptions = true,
        description = {"One model with \"replicas\": R, simulated in one process (model-core, no Kafka) by the stream's rules: MNIST's "
                + "training samples split into R shards, each replica trains its shard once in mini-batches and every sync_every of them "
                + "the replicas' changes are averaged, weighted by their samples. For each R and sync_every: the merged model's test "
                + "accuracy, the rounds, the sync bytes per training sample and the wall time.",
                "Then the cost model: sync bytes/s written and read by R replicas that each train at the model's one-thread rate, "
                + "and the largest R whose one sync partition stays within the broker's budgets."})
final class BenchReplicasCommand implements Callable<Integer> {
    private static final double MB = 1e6;

    @Spec
    CommandSpec command;

    @Option(names = "--model", defaultValue = "mnist-mlp", paramLabel = "NAME|SPEC.json", description = "A preset or spec file (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--replicas", split = ",", defaultValue = "1,2,4,8", paramLabel = "R[,R...]", description = "Replica counts (default: ${DEFAULT-VALUE}).")
    List<Integer> replicas;

    @Option(names = "--sync-every", split = ",", defaultValue = "1,10,50", paramLabel = "K[,K...]",
            description = "Mini-batches per replica between two merges (default: ${DEFAULT-VALUE}).")
    List<Integer> syncEvery;

    @Option(names = "--samples", defaultValue = "60000", paramLabel = "N", description = "MNIST training images, the first N, trained once (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--test", defaultValue = "10000", paramLabel = "N", description = "MNIST test images the merged model is scored on (default: ${DEFAULT-VALUE}).")
    int test;

    @Option(names = "--data", paramLabel = "DIR", description = "MNIST folder (default: the bundled ops/data/mnist).")
    Path data;

    @Option(names = "--rate", paramLabel = "SAMPLES/S", description = "One replica's training rate for the cost model (default: measured "
            + "here with bench model's loop and ND4J threads, 3 rounds of 1 s).")
    Double rate;

    @Option(names = "--broker-mb-s", defaultValue = "50", paramLabel = "MB/S",
            description = "Writes one partition of your broker sustains, MB/s (default: ${DEFAULT-VALUE}).")
    double brokerWriteMbPerSecond;

    @Option(names = "--broker-read-mb-s", defaultValue = "1000", paramLabel = "MB/S",
            description = "Reads your broker serves (its network egress), MB/s (default: ${DEFAULT-VALUE}, about 10 GbE).")
    double brokerReadMbPerSecond;

    @Option(names = "--cost-only", description = "Only the cost model, no simulation (for models that do not read MNIST, e.g. char-lstm).")
    boolean costOnly;

    @Option(names = "--json", description = "End with one JSON line holding both tables.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        return ExitCodes.run(command, this::bench);
    }

    private int bench() {
        for (int r : replicas) {
            if (r < 1 || r > ModelSpec.Replication.MAX_REPLICAS) {
                throw new IllegalArgumentException("--replicas " + r + ": a model has 1 to " + ModelSpec.Replication.MAX_REPLICAS + " replicas");
            }
        }
        for (int k : syncEvery) {
            if (k < 1) {
                throw new IllegalArgumentException("--sync-every must be >= 1, got " + k);
            }
        }
        if (samples < 1 || test < 1) {
            throw new IllegalArgumentException("--samples and --test must be >= 1, got " + samples + " and " + test);
        }
        if (!(brokerWriteMbPerSecond > 0) || !(brokerReadMbPerSecond > 0) || (rate != null && !(rate > 0))) {
            throw new IllegalArgumentException("--broker-mb-s, --broker-read-mb-s and --rate must be > 0");
        }
        Nd4jRuntime.ensureConfigured();
        ModelSpec spec = SpecArgument.resolve(model);
        PrintWriter out = command.commandLine().getOut();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", spec.name());
        report.put("batch", spec.batchSize());
        if (!costOnly) {
            report.put("simulation", simulate(spec, out));
        }
        report.put("cost", cost(spec, out));
        if (json) {
            out.println(JsonLine.of(report));
        }
        out.flush();
        return ExitCodes.OK;
    }

    private List<Map<String, Object>> simulate(ModelSpec spec, PrintWriter out) {
        Path mnist = data != null ? data : DataLocator.locate().resolve("mnist");
        Dataset train = Mnist.train(mnist);
        Dataset testSet = Mnist.test(mnist);
        if (samples > train.size() || test > testSet.size()) {
            throw new IllegalArgumentException(mnist + " has " + train.size() + " training and " + testSet.size() + " test images; asked for "
                    + samples + " and " + test);
        }
        train = train.limit(samples);
        testSet = testSet.limit(test);
        out.printf("%s batch %d: %,d MNIST training samples once over R shards, merged model scored on %,d test samples%n",
                spec.name(), spec.batchSize(), samples, test);
        out.printf("%8s %10s %8s %7s %12s %12s %8s%n", "replicas", "sync_every", "accuracy", "rounds", "written B/sa", "read B/sa", "seconds");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int r : replicas) {
            for (int k : r == 1 ? syncEvery.subList(0, 1) : syncEvery) { // one replica does not sync: once is enough
                ReplicaSimulation.Result result = new ReplicaSimulation(spec, r, k).run(train, testSet);
                double readPerSample = result.samples() == 0 ? 0 : (double) result.bytesRead() / result.samples();
                out.printf("%8d %10s %7.2f%% %7d %,12.0f %,12.0f %8.1f%n", r, r == 1 ? "-" : Integer.toString(k),
                        100 * result.test().accuracy(), result.rounds(), result.bytesWrittenPerSample(), readPerSample, result.seconds());
                out.flush();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("replicas", r);
                row.put("sync_every", r == 1 ? null : k);
                row.put("test_accuracy", result.test().accuracy());
                row.put("test_loss", result.test().loss());
                row.put("rounds", result.rounds());
                row.put("samples", result.samples());
                row.put("contribution_bytes", result.contributionBytes());
                row.put("bytes_written", result.bytesWritten());
                row.put("bytes_read", result.bytesRead());
                row.put("bytes_written_per_sample", result.bytesWrittenPerSample());
                row.put("bytes_read_per_sample", readPerSample);
                row.put("seconds", result.seconds());
                rows.add(row);
            }
        }
        return rows;
    }

    private Map<String, Object> cost(ModelSpec spec, PrintWriter out) {
        double perSecond;
        String source;
        if (rate != null) {
            perSecond = rate;
            source = "given";
        } else {
            perSecond = new ModelBench(2, 1, 3).run(spec, spec.batchSize()).samplesPerSecond();
            source = "measured";
        }
        double writeBudget = brokerWriteMbPerSecond * MB;
        double readBudget = brokerReadMbPerSecond * MB;
        ReplicaCostModel.Model first = ReplicaCostModel.of(spec, perSecond, syncEvery.get(0));
        out.printf("cost model: %s, %,d bytes per contribution, batch %d, one replica trains %,.0f samples/s (%s); the sync partition's "
                        + "broker takes %,.0f MB/s of writes and serves %,.0f MB/s of reads%n", spec.name(), first.modelBytes(), spec.batchSize(),
                perSecond, source, brokerWriteMbPerSecond, brokerReadMbPerSecond);
        out.printf("%10s %8s %14s %14s %7s%n", "sync_every", "replicas", "write MB/s", "read MB/s", "within");
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, Object> largest = new LinkedHashMap<>();
        for (int k : syncEvery) {
            ReplicaCostModel.Model m = ReplicaCostModel.of(spec, perSecond, k);
            for (int r : replicas) {
                if (r == 1) {
                    continue; // no sync
                }
                boolean within = m.writeBytesPerSecond(r) <= writeBudget && m.readBytesPerSecond(r) <= readBudget;
                out.printf("%10d %8d %,14.1f %,14.1f %7s%n", k, r, m.writeBytesPerSecond(r) / MB, m.readBytesPerSecond(r) / MB, within ? "yes" : "no");
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("sync_every", k);
                row.put("replicas", r);
                row.put("write_bytes_per_second", m.writeBytesPerSecond(r));
                row.put("read_bytes_per_second", m.readBytesPerSecond(r));
                row.put("within_budget", within);
                rows.add(row);
            }
            int max = m.maxReplicas(writeBudget, readBudget, ModelSpec.Replication.MAX_REPLICAS);
            out.printf("%10d largest R within the budgets: %d (%,.0f samples/s in all)%n", k, max, max * perSecond);
            largest.put(Integer.toString(k), max);
        }
        Map<String, Object> cost = new LinkedHashMap<>();
        cost.put("samples_per_second", perSecond);
        cost.put("rate", source);
        cost.put("contribution_bytes", first.modelBytes());
        cost.put("write_budget_bytes_per_second", writeBudget);
        cost.put("read_budget_bytes_per_second", readBudget);
        cost.put("rows", rows);
        cost.put("max_replicas", largest);
        return cost;
    }
}
