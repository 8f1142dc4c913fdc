// A model loaded in a task: its runtime (the learning) and its log (the journal, snapshots and counters in the store).
package io.neurostream.app.topology;

import io.neurostream.app.state.ModelLog;
import io.neurostream.app.training.ModelRuntime;

record ModelSlot(String name, ModelRuntime runtime, ModelLog log) {}
