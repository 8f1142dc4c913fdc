// A finite, numbered set of Sample records to produce: a dataset file or a generated set.
package io.neurostream.app.produce;

import io.neurostream.schemas.Sample;

/**
 * Samples are numbered {@code 0 .. size()-1}; sample {@code i}'s id is deterministic and unique
 * within the source (e.g. {@code mnist-train-17}), so producing the same source twice gives the
 * same ids. Reading a sample does not depend on the order samples are read in.
 */
public interface SampleSource {
    /** What is produced, for the progress and summary lines, e.g. {@code mnist/train (60,000 images 1x28x28, labelled)}. */
    String description();

    /** The number of samples. */
    int size();

    /** Sample {@code index} with the given event time (milliseconds since the epoch). */
    Sample sample(int index, long eventTimeMillis);
}
