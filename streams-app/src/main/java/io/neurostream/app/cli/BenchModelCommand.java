// `neurostream bench model`: training-step throughput of a model per batch size, optionally against DL4J in the same run.
package io.neurostream.app.cli;

import io.neurostream.app.bench.Dl4jBaseline;
import io.neurostream.core.Nd4jRuntime;
import io.neurostream.core.bench.ModelBench;
import io.neurostream.core.spec.ModelSpec;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "model", mixinStandardHelpOptions = true,
        description = {"Training-step throughput (samples/s): median of timed rounds after a warm-up, on random data.",
                "With --compare dl4j, the same network, batch and data are trained by Deeplearning4j's MultiLayerNetwork in the same run;",
                "with --compare nd4j, a network that computes on the heap is also measured on neurostream's ND4J layers."})
final class BenchModelCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Option(names = "--model", required = true, paramLabel = "NAME|SPEC.json", description = "A preset name or a model spec file.")
    String model;

    @Option(names = "--batch", split = ",", defaultValue = "32", paramLabel = "B[,B...]", description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = "--rounds", defaultValue = "5", description = "Timed rounds per batch size (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--round-seconds", defaultValue = "2", description = "Length of a round (default: ${DEFAULT-VALUE}).")
    double roundSeconds;

    @Option(names = "--warmup-seconds", defaultValue = "3", description = "Untimed warm-up (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--threads", defaultValue = "1", description = "ND4J (OpenMP/BLAS) threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--compare", split = ",", paramLabel = "dl4j|nd4j", description = "Also measure baselines: dl4j, nd4j or both.")
    List<String> compare = new ArrayList<>();

    @Option(names = "--json", description = "End with one JSON line holding every result.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        return ExitCodes.run(command, this::measure);
    }

    private Integer measure() {
        for (String baseline : compare) {
            if (!baseline.equals("dl4j") && !baseline.equals("nd4j")) {
                throw new IllegalArgumentException("--compare " + baseline + ": the baselines are dl4j and nd4j");
            }
        }
        Nd4jRuntime.configureThreads(threads);
        ModelSpec spec = SpecArgument.resolve(model);
        PrintWriter out = command.commandLine().getOut();
        ModelBench bench = new ModelBench(warmupSeconds, roundSeconds, rounds);
        List<Map<String, Object>> results = new ArrayList<>();
        for (int batch : batches) {
            ModelBench.Result ours = bench.run(spec, batch);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", spec.name());
            row.put("batch", batch);
            row.put("threads", threads);
            row.put("parameters", ours.parameters());
            row.put("samples_per_second", ours.samplesPerSecond());
            row.put("rounds", ours.rates());
            row.put("on_heap", ours.onHeap());
            String line = String.format("%s batch %d: %,.0f samples/s%s (rounds %s)", spec.name(), batch, ours.samplesPerSecond(),
                    ours.onHeap() ? " on the heap" : "", rounded(ours.rates()));
            if (spec.input().isTokens()) {
                double tokensPerSecond = ours.samplesPerSecond() * spec.input().shape().size();
                row.put("tokens_per_second", tokensPerSecond);
                line += String.format(" = %,.0f tokens/s (%d per sample)", tokensPerSecond, spec.input().shape().size());
            }
            if (compare.contains("nd4j") && ours.onHeap()) {
                line += baseline(row, "nd4j", "nd4j layers", ours, bench.run(spec, batch, false));
            }
            if (compare.contains("dl4j")) {
                line += baseline(row, "dl4j", "dl4j", ours, Dl4jBaseline.measure(spec, batch, warmupSeconds, roundSeconds, rounds));
            }
            out.println(line);
            out.flush();
            results.add(row);
        }
        if (json) {
            out.println(JsonLine.of(Map.of("bench", "model", "results", results)));
        }
        out.flush();
        return 0;
    }

    /** Adds a baseline's figures to the JSON row under {@code key}; returns them for the printed line. */
    private static String baseline(Map<String, Object> row, String key, String label, ModelBench.Result ours, ModelBench.Result base) {
        double ratio = ours.samplesPerSecond() / base.samplesPerSecond();
        row.put(key + "_samples_per_second", base.samplesPerSecond());
        row.put(key + "_rounds", base.rates());
        row.put("ratio_vs_" + key, ratio);
        return String.format("; %s %,.0f samples/s; ratio %.2fx", label, base.samplesPerSecond(), ratio);
    }

    private static String rounded(double[] rates) {
        StringBuilder sb = new StringBuilder();
        for (double r : rates) {
            sb.append(sb.length() == 0 ? "" : " ").append(String.format("%,.0f", r));
        }
        return sb.toString();
    }
}
