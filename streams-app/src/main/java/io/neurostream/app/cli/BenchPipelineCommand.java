// `neurostream bench pipeline`: training inside Kafka Streams against a pass-through topology and the offline rate.
package io.neurostream.app.cli;

import io.neurostream.app.bench.PipelineBench;
import io.neurostream.core.Nd4jRuntime;
import io.neurostream.core.bench.ModelBench;
import io.neurostream.core.data.DataLocator;
import io.neurostream.core.spec.ModelSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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

    @Option(names = "--json", description = "End with one JSON line holding the three figures.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        return ExitCodes.run(command, this::bench);
    }

    private int bench() throws InterruptedException {
        Nd4jRuntime.ensureConfigured();
        ModelSpec spec = SpecArgument.resolve(model);
        if (batch != null) {
            spec = spec.with(Map.of("batch_size", batch));
        }
        PrintWriter out = command.commandLine().getOut();
        Path mnist = data != null ? data : DataLocator.locate().resolve("mnist");
        PipelineBench.Result r = new PipelineBench(out, settings, warmupPasses, passes).run(spec, samples, mnist, new ModelBench(3, 2, 5));
        out.println(summary(r));
        if (json) {
            out.println(json(r));
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

    /** The JSON line: the keys of before (medians), and each stage's slowest and fastest pass and their spread. */
    static String json(PipelineBench.Result r) {
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
        return JsonLine.of(fields);
    }
}
