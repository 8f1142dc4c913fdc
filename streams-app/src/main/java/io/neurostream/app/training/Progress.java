// The figures of a model at one moment: what a metrics record and the model's gauges show.
package io.neurostream.app.training;

/**
 * @param step           optimizer updates applied
 * @param samplesTrained samples that went through a step
 * @param skippedSteps   steps skipped because the loss or a gradient was not finite
 * @param batchLoss      mean loss of the last batch this runtime trained; null before its first
 * @param fadingFactor   α of the fading prequential figures
 * @param window         size of the sliding prequential window
 * @param learningRate   the optimizer's learning rate at this step
 */
public record Progress(String model, long step, long samplesTrained, long skippedSteps, Double batchLoss, double fadingLoss,
                       double fadingAccuracy, double windowLoss, double windowAccuracy, double fadingFactor, int window, double learningRate) {}
