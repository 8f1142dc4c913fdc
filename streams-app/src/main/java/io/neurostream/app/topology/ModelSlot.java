// A model loaded in a task: its runtime (the learning), its log (journal, snapshots and counters in the store), the edge it reports to,
// its samples waiting for a delayed label (null when delayed labels are off or the model learns from its own next tokens), and its
// replica state (null unless the slot is a replica NAME#s of a replicated model).
package io.neurostream.app.topology;

import io.neurostream.app.state.ModelLog;
import io.neurostream.app.state.PendingSamples;
import io.neurostream.app.training.ModelRuntime;

record ModelSlot(String name, ModelRuntime runtime, ModelLog log, ModelOutput output, PendingSamples pending, Replica replica) {
    /**
     * Every model is loaded through here: its meters learn the stream it reads, for the live page, which draws the models of a
     * stream side by side over the same samples. A replica reads its own shard of its model's stream, so it is its own stream.
     */
    ModelSlot {
        output.meters().source(replica == null ? runtime.network().spec().source() : name);
    }
}
