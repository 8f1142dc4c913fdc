// Datasets held in memory for training, benchmarks and the Kafka producer: MNIST IDX, text, synthetic.
/**
 * Finite labelled datasets held in memory, in plain Java arrays (no ND4J): the MNIST IDX reader
 * ({@link io.neurostream.core.data.Mnist}), character-level text
 * ({@link io.neurostream.core.data.TextCorpus}), small synthetic sets
 * ({@link io.neurostream.core.data.Synthetic}), the bundled-data locator and the sha256 table of
 * the known data files. Shuffling is deterministic across JVMs ({@link io.neurostream.core.data.SplitMix64}).
 */
package io.neurostream.core.data;
