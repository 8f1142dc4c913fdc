// The settings a model runtime takes from the configuration.
package io.neurostream.app.training;

/**
 * @param topK                  classes listed per prediction
 * @param metricsEvery          a metrics record every this many batches
 * @param fadingFactor          α of the fading prequential figures
 * @param window                size of the sliding prequential window
 * @param maxDelayMillis        longest wait of a labelled sample's prediction for its batch
 * @param batchMaxDelayMillis   longest wait of a partial batch before it trains as a smaller batch; 0: it waits to fill
 * @param metricsIntervalMillis longest a counter change waits for a metrics record when no batch writes one; 0: only batches write them
 */
public record RuntimeSettings(int topK, int metricsEvery, double fadingFactor, int window, long maxDelayMillis, long batchMaxDelayMillis,
                              long metricsIntervalMillis) {}
