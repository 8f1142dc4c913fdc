// Outputs and losses of a prediction-mode forward pass over a labelled batch.
package io.neurostream.core.net;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Arrays belong to the network and stay valid until its next call with the same batch size.
 *
 * @param output         network output [B, ...out] (probabilities after a softmax)
 * @param perSampleLoss  loss of each sample [B] (mean over time steps for sequence outputs)
 * @param meanLoss       mean of perSampleLoss
 */
public record Evaluation(INDArray output, INDArray perSampleLoss, double meanLoss) {}
