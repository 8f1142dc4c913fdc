// Configures ND4J once for neurostream: how many OpenMP and BLAS threads a training step may use.
package io.neurostream.core;

import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J defaults to as many OpenMP and OpenBLAS threads as there are cores. On a small machine
 * shared with Kafka that makes a training step 2-4x slower and its reductions order-dependent, so
 * neurostream uses one thread per stream thread unless told otherwise (DESIGN.md §2).
 */
public final class Nd4jRuntime {
    /** System property that overrides the thread count for every network in this JVM. */
    public static final String THREADS_PROPERTY = "neurostream.nd4j.threads";
    public static final int DEFAULT_THREADS = 1;

    private static int configuredThreads = -1;

    private Nd4jRuntime() {}

    /** Applies the thread count from {@value #THREADS_PROPERTY}, or the default; idempotent. */
    public static synchronized void ensureConfigured() {
        if (configuredThreads < 0) {
            configureThreads(Integer.getInteger(THREADS_PROPERTY, DEFAULT_THREADS));
        }
    }

    /** Sets the OpenMP and BLAS thread counts used by ND4J in this JVM. */
    public static synchronized void configureThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("ND4J threads must be >= 1, got " + threads);
        }
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        configuredThreads = threads;
    }

    public static synchronized int threads() {
        ensureConfigured();
        return configuredThreads;
    }
}
