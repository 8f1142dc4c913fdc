// Training-step throughput of a model: median samples/s over timed rounds after a warm-up, on random data.
package io.neurostream.core.bench;

import io.neurostream.core.Nd4jRuntime;
import io.neurostream.core.net.Network;
import io.neurostream.core.net.Targets;
import io.neurostream.core.rng.Rng;
import io.neurostream.core.spec.ModelSpec;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Map;
import java.util.function.IntConsumer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Measures {@link Network#trainStep} alone (no data loading): a few fixed random batches are
 * cycled so the cost of producing data is not counted. Inputs are uniform in [0, 1) (token
 * models get random token indices), targets random classes.
 */
public final class ModelBench {
    private static final int DISTINCT_BATCHES = 8;

    /**
     * @param rates samples/s of each timed round, in order
     * @param samplesPerSecond the median round
     * @param onHeap whether the network computed on the heap ({@link Network#computesOnHeap()})
     * @param cpuRates samples per CPU second of the process in each round (empty when not measured)
     */
    public record Result(String model, int batch, int threads, long parameters, double samplesPerSecond, double[] rates, boolean onHeap,
                         double[] cpuRates) {
        public Result(String model, int batch, int threads, long parameters, double samplesPerSecond, double[] rates, boolean onHeap) {
            this(model, batch, threads, parameters, samplesPerSecond, rates, onHeap, new double[0]);
        }

        /** The median of {@link #cpuRates}, or NaN. */
        public double samplesPerCpuSecond() {
            return median(cpuRates);
        }
    }

    private final double warmupSeconds;
    private final double roundSeconds;
    private final int rounds;

    public ModelBench(double warmupSeconds, double roundSeconds, int rounds) {
        this.warmupSeconds = warmupSeconds;
        this.roundSeconds = roundSeconds;
        this.rounds = rounds;
    }

    public Result run(ModelSpec spec, int batch) {
        return run(spec, batch, true);
    }

    /** The same, with {@code allowHeap} false on the ND4J layers even where the network could compute on the heap. */
    public Result run(ModelSpec spec, int batch, boolean allowHeap) {
        return run(spec, batch, allowHeap, () -> {});
    }

    /**
     * The same, running {@code afterEachRound} after each timed round (a baseline's own round, so
     * that both sides' rounds interleave on a shared machine).
     */
    public Result run(ModelSpec spec, int batch, boolean allowHeap, Runnable afterEachRound) {
        Network net = Network.create(spec.with(Map.of("batch_size", batch)), allowHeap);
        INDArray[] inputs = new INDArray[DISTINCT_BATCHES];
        INDArray[] targets = new INDArray[DISTINCT_BATCHES];
        Rng rng = new Rng(spec.seed() + 1);
        for (int i = 0; i < DISTINCT_BATCHES; i++) {
            inputs[i] = randomInputs(net, batch, rng);
            targets[i] = randomTargets(net, batch, rng);
        }
        Rounds timed = time(batch, i -> net.trainStep(inputs[i % DISTINCT_BATCHES], targets[i % DISTINCT_BATCHES]), afterEachRound);
        return new Result(spec.name(), batch, Nd4jRuntime.threads(), net.params().trainableCount(), median(timed.rates()), timed.rates(),
                net.computesOnHeap(), timed.cpuRates());
    }

    /**
     * @param rates    samples/s of each timed round, in order
     * @param cpuRates samples per CPU second of the process in each round (NaN where the JVM does not tell)
     */
    public record Rounds(double[] rates, double[] cpuRates) {}

    /**
     * Times a training step of {@code batch} samples: calls {@code step} (with 0, 1, 2, ...) for the
     * warm-up, then for each timed round, running {@code afterEachRound} after each. The one timing
     * loop of every {@code bench model} measurement, ours and the baselines'.
     */
    public Rounds time(int batch, IntConsumer step, Runnable afterEachRound) {
        runFor(step, warmupSeconds);
        double[] rates = new double[rounds];
        double[] cpuRates = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long cpuStart = processCpuNanos();
            long start = System.nanoTime();
            rates[r] = runFor(step, roundSeconds) * batch;
            double wallSeconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
            cpuRates[r] = cpuSeconds > 0 ? rates[r] * wallSeconds / cpuSeconds : Double.NaN;
            afterEachRound.run();
        }
        return new Rounds(rates, cpuRates);
    }

    /** The median of {@code values} (the upper one of an even count), or NaN when empty. */
    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** CPU time of the whole process (all threads, JIT and GC included), or -1 when the JVM does not tell. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** Steps per second over about {@code seconds}. */
    private static double runFor(IntConsumer step, double seconds) {
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        int steps = 0;
        long now;
        do {
            step.accept(steps);
            steps++;
            now = System.nanoTime();
        } while (now < deadline);
        return steps / ((now - start) / 1e9);
    }

    private static INDArray randomInputs(Network net, int batch, Rng rng) {
        INDArray x = Nd4j.create(net.dataType(), net.inputShape().withBatch(batch));
        int vocabulary = net.spec().input().vocabulary();
        for (long i = 0; i < x.length(); i++) {
            x.putScalar(i, vocabulary > 0 ? rng.nextInt(vocabulary) : rng.nextDouble());
        }
        return x;
    }

    private static INDArray randomTargets(Network net, int batch, Rng rng) {
        int outputs = net.outputSize();
        int rows = batch * (net.outputShape().size() / outputs);
        float[] t = new float[rows * outputs];
        for (int r = 0; r < rows; r++) {
            Targets.fromLabel(rng.nextInt(net.classes()), outputs, t, r * outputs);
        }
        return Nd4j.create(t, net.outputShape().withBatch(batch), 'c').castTo(net.dataType());
    }
}
