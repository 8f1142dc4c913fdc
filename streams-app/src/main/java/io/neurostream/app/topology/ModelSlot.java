// A model loaded in a task: its runtime plus where its journal and snapshot generations stand.
package io.neurostream.app.topology;

import io.neurostream.app.state.Head;
import io.neurostream.app.training.ModelRuntime;

final class ModelSlot {
    final String name;
    final String specJson;
    final ModelRuntime runtime;
    long nextSeq;
    long snapshotSeq;
    int journalSlots;
    long previousSnapshotSeq;
    int generation;

    ModelSlot(String name, String specJson, ModelRuntime runtime, Head head) {
        this.name = name;
        this.specJson = specJson;
        this.runtime = runtime;
        this.nextSeq = head.nextSeq();
        this.snapshotSeq = head.snapshotSeq();
        this.journalSlots = head.journalSlots();
        this.previousSnapshotSeq = head.previousSnapshotSeq();
        this.generation = head.generation();
    }

    Head head() {
        return new Head(nextSeq, snapshotSeq, journalSlots, runtime.predicted(), runtime.deadLettered(), previousSnapshotSeq, generation);
    }
}
