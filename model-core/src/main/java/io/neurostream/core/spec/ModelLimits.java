// The largest model an application accepts: checked on a spec's footprint before any weight is allocated.
package io.neurostream.core.spec;

/**
 * Applied wherever a spec becomes a network (the stream's models, {@code models validate},
 * {@code models create}), so that a spec too large for the machine is a one-line spec error
 * instead of an allocation failure inside ND4J.
 *
 * @param maxParameters      parameter values of one model (weights, biases and state)
 * @param maxActivationBytes bytes of one mini-batch's activations and their gradients ({@link ModelFootprint#activationBytes()})
 */
public record ModelLimits(long maxParameters, long maxActivationBytes) {
    public static final long DEFAULT_MAX_PARAMETERS = 10_000_000L;
    public static final long DEFAULT_MAX_ACTIVATION_BYTES = 256L << 20;
    public static final ModelLimits DEFAULTS = new ModelLimits(DEFAULT_MAX_PARAMETERS, DEFAULT_MAX_ACTIVATION_BYTES);

    /**
     * The spec's footprint, when within the limits.
     *
     * @throws SpecException when a layer does not fit, or the spec is over a limit (naming the limit and the value)
     */
    public ModelFootprint check(ModelSpec spec) {
        ModelFootprint footprint = ModelFootprint.of(spec);
        if (footprint.parameters() > maxParameters) {
            throw new SpecException("layers", String.format("%,d parameters, more than the limit of %,d (neurostream.model.max.parameters)",
                    footprint.parameters(), maxParameters));
        }
        if (footprint.activationBytes() > maxActivationBytes) {
            throw new SpecException("batch_size", String.format("one batch of %d needs %,d bytes of activations, more than the limit of %,d "
                    + "(neurostream.model.max.activation.bytes)", spec.batchSize(), footprint.activationBytes(), maxActivationBytes));
        }
        return footprint;
    }
}
