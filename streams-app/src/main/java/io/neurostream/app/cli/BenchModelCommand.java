// `neurostream bench model`: training-step throughput of a model per batch size, optionally against DL4J in the same run.
package io.neurostream.app.cli;

import io.neurostream.app.bench.Dl4jBaseline;
import io.neurostream.app.bench.PytorchBaseline;
import io.neurostream.core.Nd4jRuntime;
import io.neurostream.core.bench.ModelBench;
import io.neurostream.core.spec.BidirectionalSpec;
import io.neurostream.core.spec.ModelSpec;
import io.neurostream.core.spec.RecurrentSpec;
import io.neurostream.core.tensor.Gemm;
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
                "with --compare nd4j, a network that computes on the heap is also measured on neurostream's ND4J layers;",
                "with --compare pytorch, the same network, batch, optimizer and input shapes are trained by PyTorch on the CPU",
                "with the same thread count (python3 with torch), its rounds interleaved with ours; the ratio is of the medians."})
final class BenchModelCommand implements Callable<Integer> {
    private static final List<String> BASELINES = List.of("dl4j", "nd4j", "pytorch");

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

    @Option(names = "--compare", split = ",", paramLabel = "dl4j|nd4j|pytorch", description = "Also measure baselines: dl4j, nd4j, pytorch, or several.")
    List<String> compare = new ArrayList<>();

    @Option(names = "--python", defaultValue = "python3", hidden = true, description = "The Python interpreter of --compare pytorch.")
    String python;

    @Option(names = "--json", description = "End with one JSON line holding every result.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        return ExitCodes.run(command, this::measure);
    }

    /** Whether a float32 LSTM (alone or in a bidirectional wrapper) runs, whose kernels depend on the Vector API. */
    private static boolean hasLstm(ModelSpec spec) {
        return spec.layers().stream().anyMatch(l -> l instanceof RecurrentSpec r && r.type().equals(RecurrentSpec.LSTM)
                || l instanceof BidirectionalSpec b && b.layer().type().equals(RecurrentSpec.LSTM));
    }

    private Integer measure() {
        for (String baseline : compare) {
            if (!BASELINES.contains(baseline)) {
                throw new IllegalArgumentException("--compare " + baseline + ": the baselines are dl4j, nd4j and pytorch");
            }
        }
        Nd4jRuntime.configureThreads(threads);
        ModelSpec spec = SpecArgument.resolve(model);
        PrintWriter out = command.commandLine().getOut();
        ModelBench bench = new ModelBench(warmupSeconds, roundSeconds, rounds);
        List<Map<String, Object>> results = new ArrayList<>();
        for (int batch : batches) {
            ModelBench.Result ours;
            ModelBench.Result torch = null;
            if (compare.contains("pytorch")) {
                try (PytorchBaseline baseline = PytorchBaseline.start(python, spec.with(Map.of("batch_size", batch)).json(), batch, threads,
                        warmupSeconds)) {
                    List<PytorchBaseline.Rate> torchRounds = new ArrayList<>();
                    ours = bench.run(spec, batch, true, () -> torchRounds.add(baseline.round(roundSeconds)));
                    torch = new ModelBench.Result("pytorch " + baseline.version() + ":" + spec.name(), batch, threads, 0,
                            ModelBench.median(torchRounds.stream().mapToDouble(PytorchBaseline.Rate::perSecond).toArray()),
                            torchRounds.stream().mapToDouble(PytorchBaseline.Rate::perSecond).toArray(), false,
                            torchRounds.stream().mapToDouble(PytorchBaseline.Rate::perCpuSecond).toArray());
                }
            } else {
                ours = bench.run(spec, batch);
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", spec.name());
            row.put("batch", batch);
            row.put("threads", threads);
            row.put("parameters", ours.parameters());
            row.put("samples_per_second", ours.samplesPerSecond());
            row.put("rounds", ours.rates());
            row.put("on_heap", ours.onHeap());
            row.put("vector_kernels", Gemm.VECTOR);
            String line = String.format("%s batch %d: %,.0f samples/s%s (rounds %s)", spec.name(), batch, ours.samplesPerSecond(),
                    ours.onHeap() ? " on the heap" : "", rounded(ours.rates()));
            if (spec.input().isTokens()) {
                double tokensPerSecond = ours.samplesPerSecond() * spec.input().shape().size();
                row.put("tokens_per_second", tokensPerSecond);
                line += String.format(" = %,.0f tokens/s (%d per sample)", tokensPerSecond, spec.input().shape().size());
            }
            if (hasLstm(spec)) {
                line += "; LSTM kernels: " + Gemm.variant();
            }
            if (compare.contains("nd4j") && ours.onHeap()) {
                line += baseline(row, "nd4j", "nd4j layers", ours, bench.run(spec, batch, false));
            }
            if (torch != null) {
                line += baseline(row, "pytorch", torch.model().substring(0, torch.model().indexOf(':')), ours, torch);
                double cpuRatio = ours.samplesPerCpuSecond() / torch.samplesPerCpuSecond();
                row.put("samples_per_cpu_second", ours.samplesPerCpuSecond());
                row.put("pytorch_samples_per_cpu_second", torch.samplesPerCpuSecond());
                row.put("cpu_ratio_vs_pytorch", cpuRatio);
                line += String.format(" (per CPU second %,.0f vs %,.0f: %.2fx)", ours.samplesPerCpuSecond(), torch.samplesPerCpuSecond(), cpuRatio);
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
