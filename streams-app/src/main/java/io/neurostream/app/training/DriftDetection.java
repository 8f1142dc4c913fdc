// A drift detector fired on the score of one labelled sample; the edge turns it into a DriftEvent record and a meter.
package io.neurostream.app.training;

import io.neurostream.core.drift.DriftStatistic;

/**
 * @param modelStep the model's step when the sample was predicted
 * @param sampleId  the sample whose score completed the detection
 * @param timestamp the sample record's timestamp (the output record gets it)
 * @param reaction  the spec's reaction, applied once the sample's batch has trained
 */
public record DriftDetection(String model, long modelStep, String sampleId, long eventTime, long timestamp, DriftStatistic statistic,
                             String reaction) {
}
