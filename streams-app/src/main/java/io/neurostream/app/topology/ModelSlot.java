// A model loaded in a task: its runtime (the learning), its log (journal, snapshots and counters in the store) and the edge it reports to.
package io.neurostream.app.topology;

import io.neurostream.app.state.ModelLog;
import io.neurostream.app.training.ModelRuntime;

record ModelSlot(String name, ModelRuntime runtime, ModelLog log, ModelOutput output) {}
