// One sample's prediction as a model runtime computed it, before the edge writes it as a record.
package io.neurostream.app.training;

import java.nio.FloatBuffer;

/**
 * @param shape     the model's inputs and outputs (its name, output width K, rows per sample, classes)
 * @param rows      the outputs of the pass that predicted it, [n, rows, K] on the host; valid during the call only
 * @param sample    the sample's index in {@code rows}
 * @param modelStep optimizer updates applied to the model that predicted it
 * @param timestamp the input record's timestamp, for the output record
 * @param label     its label (or the label row of its last step); null for a sample predicted only (no label)
 * @param loss      its loss; null for a sample predicted only
 */
public record SamplePrediction(ModelShape shape, FloatBuffer rows, int sample, String id, long eventTime, long modelStep, long timestamp,
                               Integer label, Double loss) {}
