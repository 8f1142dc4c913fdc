// `neurostream bench pipeline`: training inside Kafka Streams against a pass-through topology and the offline rate.
package io.neurostream.app.cli;

import io.neurostream.app.bench.PipelineBench;
import io.neurostream.core.Nd4jRuntime;
import io.neurostream.core.bench.ModelBench;
import io.neurostream.core.data.DataLocator;
import io.neurostream.core.spec.ModelSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"On an embedded broker, in one run: (a) end-to-end samples/s — MNIST samples (uint8 pixels) produced while the "
                + "neurostream topology trains on them, exactly once, until the model has learned from all of them; (b) a pass-through "
                + "topology with the same settings that only decodes and forwards each sample; (c) the offline model-core training rate."})
final class BenchPipelineCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Option(names = "--model", defaultValue = "mnist-mlp", paramLabel = "NAME|SPEC.json", description = "A preset or spec file (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--batch", paramLabel = "B", description = "Mini-batch size (default: the spec's).")
    Integer batch;

    @Option(names = "--samples", defaultValue = "60000", paramLabel = "N", description = "MNIST training images streamed in each pass (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--data", paramLabel = "DIR", description = "MNIST folder (default: the bundled ops/data/mnist).")
    Path data;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A Kafka Streams or neurostream setting for both topologies, repeatable "
            + "(e.g. commit.interval.ms=1000).")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--warmup-passes", defaultValue = "2", paramLabel = "N", description = "Untimed passes over the samples first, for the "
            + "JIT to compile the hot paths (default: ${DEFAULT-VALUE}).")
    int warmupPasses;

    @Option(names = "--passes", defaultValue = "3", paramLabel = "N", description = "Timed passes over the samples; the median is reported "
            + "(default: ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--replicas", split = ",", paramLabel = "R[,R...]", description = "Run end to end once per count, each on fresh "
            + "topics: the spec with \"replicas\": R on max(R, neurostream.topic.partitions) partitions and R stream threads (unless "
            + "num.stream.threads is set), samples keyed by the shard of their id; reports each rate, its ratio to R = 1 and the sync "
            + "overhead (default: the spec's own count, 1 for the presets).")
    List<Integer> replicas;

    @Option(names = "--sync-every", split = ",", paramLabel = "N[,N...]", description = "Mini-batches between two merges of a replicated "
            + "model; several values: one end-to-end run per replica count R > 1 and value (default: the spec's).")
    List<Integer> syncEvery;

    @Option(names = "--evaluate", description = "After each end-to-end run's timed passes, score its model on the MNIST test set (10,000 "
            + "images): one replica, the version it publishes on model-versions when asked (models publish); R replicas, the merged "
            + "model of the last round every shard completed (what every replica adopts and shard 0 publishes), rebuilt from the sync "
            + "topic. The model has trained on every pass, warm-up ones too: --warmup-passes 0 --passes 1 scores one pass.")
    boolean evaluate;

    @Option(names = "--json", description = "End with one JSON line holding the three figures.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        return ExitCodes.run(command, this::bench);
    }

    private int bench() throws InterruptedException {
        long start = System.nanoTime();
        Nd4jRuntime.ensureConfigured();
        ModelSpec spec = SpecArgument.resolve(model);
        if (batch != null) {
            spec = spec.with(Map.of("batch_size", batch));
        }
        PipelineBench.checkModel(spec);
        List<Integer> syncEverys = syncEvery == null ? List.of(spec.replication().syncEvery()) : syncEvery;
        PipelineBench.checkSyncEvery(syncEverys);
        List<Integer> counts = replicas == null ? List.of(spec.replication().replicas()) : replicas;
        PrintWriter out = command.commandLine().getOut();
        PipelineBench bench = new PipelineBench(out, settings, warmupPasses, passes);
        PipelineBench.checkReplicas(counts);
        Path mnist = data != null ? data : DataLocator.locate().resolve("mnist");
        PipelineBench.Result r = bench.run(spec, samples, mnist, new ModelBench(3, 2, 5), counts, syncEverys, evaluate);
        out.println(summary(r));
        boolean scales = replicas != null || syncEvery != null && syncEvery.size() > 1;
        if (scales) {
            r.scales().forEach(scale -> out.println(scaleLine(r, scale)));
        }
        if (evaluate) {
            r.scales().forEach(scale -> out.println(testLine(r, warmupPasses + passes, scale)));
        }
        out.printf(Locale.ROOT, "bench pipeline took %.0f s%n", (System.nanoTime() - start) / 1e9);
        if (json) {
            out.println(json(r, scales));
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The figures in one line; each median with the range of its timed passes, so that a difference can be judged against it. */
    static String summary(PipelineBench.Result r) {
        PipelineBench.Passes e = r.endToEnd();
        PipelineBench.Passes p = r.passThrough();
        return String.format(Locale.ROOT, "%s batch %d, %,d samples: end to end %,.0f samples/s (passes %,.0f-%,.0f, spread %.0f%%) = %.0f%% of "
                        + "pass-through %,.0f samples/s (passes %,.0f-%,.0f, spread %.0f%%); offline %,.0f samples/s",
                r.model(), r.batch(), r.samples(), e.median(), e.min(), e.max(), 100 * e.spread(), 100 * r.endToEndOverPassThrough(),
                p.median(), p.min(), p.max(), 100 * p.spread(), r.offlinePerSecond());
    }

    /**
     * One end-to-end run: its rate and range, the ratio to R = 1 in the same run, and, when replicated, the sync overhead per round.
     */
    static String scaleLine(PipelineBench.Result r, PipelineBench.Scale scale) {
        PipelineBench.Passes e = scale.endToEnd();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "R=%d (%d partition(s)): end to end %,.0f samples/s (passes %,.0f-%,.0f, "
                + "spread %.0f%%)", scale.replicas(), scale.partitions(), e.median(), e.min(), e.max(), 100 * e.spread()));
        double ratio = r.overSingle(scale);
        if (!Double.isNaN(ratio)) {
            line.append(String.format(Locale.ROOT, " = %.2fx R=1", ratio));
        }
        PipelineBench.Sync sync = scale.sync();
        if (sync != null) {
            line.append(String.format(Locale.ROOT, "; sync every %d: %,d rounds, %,.0f bytes written per round, mean wait %.1f ms per round, "
                    + "%d closed by timeout", sync.syncEvery(), sync.rounds(), sync.bytesPerRound(), sync.meanWaitMillis(), sync.closedByTimeout()));
        }
        return line.toString();
    }

    /** --evaluate: the model a run left, which one it is, and its score on the test set. */
    static String testLine(PipelineBench.Result r, int passes, PipelineBench.Scale scale) {
        PipelineBench.TestScore test = scale.test();
        String run = scale.sync() == null ? "R=" + scale.replicas() : "R=" + scale.replicas() + ", sync every " + scale.sync().syncEvery();
        return String.format(Locale.ROOT, "%s: %s (%,d samples in it), after %d pass(es) over %,d samples: test accuracy %.2f%% (loss %.4f) "
                + "on %,d MNIST test images", run, test.describe(), test.samples(), passes, r.samples(), 100 * test.accuracy(), test.loss(),
                test.examples());
    }

    /** The JSON line: the keys of before (medians), and each stage's slowest and fastest pass and their spread. */
    static String json(PipelineBench.Result r) {
        return json(r, false);
    }

    /**
     * With {@code scales}, the end_to_end keys are those of the first run and "replicas" lists every run (--replicas): replicas,
     * partitions, its rates, ratio_to_one_replica (absent without an R = 1 run), and sync (absent for R = 1).
     */
    static String json(PipelineBench.Result r, boolean scales) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("model", r.model());
        fields.put("batch", r.batch());
        fields.put("samples", r.samples());
        fields.put("end_to_end_samples_per_second", r.endToEndPerSecond());
        fields.put("end_to_end_min_samples_per_second", r.endToEnd().min());
        fields.put("end_to_end_max_samples_per_second", r.endToEnd().max());
        fields.put("end_to_end_spread", r.endToEnd().spread());
        fields.put("pass_through_samples_per_second", r.passThroughPerSecond());
        fields.put("pass_through_min_samples_per_second", r.passThrough().min());
        fields.put("pass_through_max_samples_per_second", r.passThrough().max());
        fields.put("pass_through_spread", r.passThrough().spread());
        fields.put("offline_samples_per_second", r.offlinePerSecond());
        fields.put("end_to_end_over_pass_through", r.endToEndOverPassThrough());
        if (r.scales().get(0).test() != null) {
            fields.put("test", test(r.scales().get(0).test()));
        }
        if (scales) {
            List<Map<String, Object>> runs = new ArrayList<>();
            for (PipelineBench.Scale scale : r.scales()) {
                Map<String, Object> run = new LinkedHashMap<>();
                run.put("replicas", scale.replicas());
                run.put("partitions", scale.partitions());
                run.put("end_to_end_samples_per_second", scale.endToEnd().median());
                run.put("end_to_end_min_samples_per_second", scale.endToEnd().min());
                run.put("end_to_end_max_samples_per_second", scale.endToEnd().max());
                run.put("end_to_end_spread", scale.endToEnd().spread());
                double ratio = r.overSingle(scale);
                if (!Double.isNaN(ratio)) {
                    run.put("ratio_to_one_replica", ratio);
                }
                PipelineBench.Sync sync = scale.sync();
                if (sync != null) {
                    Map<String, Object> cost = new LinkedHashMap<>();
                    cost.put("sync_every", sync.syncEvery());
                    cost.put("rounds", sync.rounds());
                    cost.put("bytes_per_round", sync.bytesPerRound());
                    cost.put("mean_wait_ms_per_round", sync.meanWaitMillis());
                    cost.put("closed_by_timeout", sync.closedByTimeout());
                    run.put("sync", cost);
                }
                if (scale.test() != null) {
                    run.put("test", test(scale.test()));
                }
                runs.add(run);
            }
            fields.put("replicas", runs);
        }
        return JsonLine.of(fields);
    }

    /** --evaluate: the test-set score of a run's model and which model it is (published at a step, or merged after a round). */
    private static Map<String, Object> test(PipelineBench.TestScore test) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("model", test.merged() ? "merged" : "published");
        fields.put(test.merged() ? "round" : "step", test.version());
        fields.put("samples_in_model", test.samples());
        fields.put("accuracy", test.accuracy());
        fields.put("loss", test.loss());
        fields.put("examples", test.examples());
        return fields;
    }
}
