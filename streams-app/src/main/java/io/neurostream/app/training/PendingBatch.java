// The labelled samples of the mini-batch being filled: features, targets and what their predictions need.
package io.neurostream.app.training;

/**
 * Rows 0 .. count-1 hold samples; rows below {@code emitted} already had their prediction
 * emitted (by a flush before the batch filled); a {@code scored} row was predicted and scored when its sample arrived
 * without a label (delayed labels), so the batch emits no prediction for it and does not score it again. Arrays are allocated once per model; their sizes
 * are overflow-checked (a spec within the model limits is far below).
 */
final class PendingBatch {
    final int capacity;
    final float[] inputs;    // [B, F]
    final float[] targets;   // [B, rows, K]
    final int[] labels;      // [B, rows]
    final String[] ids;      // [B]
    final long[] eventTimes; // [B] milliseconds
    final long[] timestamps; // [B] input record timestamps
    final boolean[] scored;  // [B] scored when its label came (delayed labels)
    int count;
    int emitted;
    long oldestUnemittedMillis; // wall-clock arrival of row `emitted`, for the flush deadline
    long firstArrivalMillis;    // wall-clock arrival of row 0, for the close deadline

    PendingBatch(int capacity, ModelShape shape) {
        this.capacity = capacity;
        this.inputs = new float[Math.multiplyExact(capacity, shape.inputSize())];
        this.targets = new float[Math.multiplyExact(capacity, shape.targetSize())];
        this.labels = new int[Math.multiplyExact(capacity, shape.rows())];
        this.ids = new String[capacity];
        this.eventTimes = new long[capacity];
        this.timestamps = new long[capacity];
        this.scored = new boolean[capacity];
    }

    boolean isFull() {
        return count == capacity;
    }

    boolean hasUnemitted() {
        return count > emitted;
    }

    void clear() {
        count = 0;
        emitted = 0;
    }
}
