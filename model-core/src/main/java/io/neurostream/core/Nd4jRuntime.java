// Configures ND4J once for neurostream: how many OpenMP and BLAS threads a training step may use.
package io.neurostream.core;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * ND4J defaults to as many OpenMP and OpenBLAS threads as there are cores. On a small machine
 * shared with Kafka that makes a training step 2-4x slower and its reductions order-dependent, so
 * neurostream uses one thread per stream thread unless told otherwise (DESIGN.md §2).
 *
 * <p>libnd4j's own thread count does not bound the OpenMP team that oneDNN (the onednn build's
 * convolutions) starts: that is OpenMP's per-thread {@code omp_set_num_threads}, so it is applied
 * again in every Java thread that runs a network ({@link #ensureConfigured()}). Without it, on a
 * loaded machine, the spinning OpenMP workers made LeNet-5 ~8x slower.
 */
public final class Nd4jRuntime {
    /** System property that overrides the thread count for every network in this JVM. */
    public static final String THREADS_PROPERTY = "neurostream.nd4j.threads";
    public static final int DEFAULT_THREADS = 1;

    private static volatile int configuredThreads = -1;
    private static final ThreadLocal<Integer> OPENMP_THREADS_OF_THIS_THREAD = new ThreadLocal<>();

    private Nd4jRuntime() {}

    /**
     * Applies the thread count from {@value #THREADS_PROPERTY}, or the default, and the OpenMP
     * bound of the calling thread; idempotent and cheap (a thread-local lookup) once done.
     */
    public static void ensureConfigured() {
        int threads = configuredThreads;
        if (threads < 0) {
            synchronized (Nd4jRuntime.class) {
                if (configuredThreads < 0) {
                    configureThreads(Integer.getInteger(THREADS_PROPERTY, DEFAULT_THREADS));
                }
                threads = configuredThreads;
            }
        }
        Integer applied = OPENMP_THREADS_OF_THIS_THREAD.get();
        if (applied == null || applied != threads) {
            applyOpenMpThreads(threads);
        }
    }

    /** Sets the OpenMP and BLAS thread counts used by ND4J in this JVM (OpenMP: for the calling thread, see above). */
    public static synchronized void configureThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("ND4J threads must be >= 1, got " + threads);
        }
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        configuredThreads = threads;
        applyOpenMpThreads(threads);
    }

    public static int threads() {
        ensureConfigured();
        return configuredThreads;
    }

    private static void applyOpenMpThreads(int threads) {
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        OPENMP_THREADS_OF_THIS_THREAD.set(threads);
    }
}
