// `bench pipeline`: which samples a timed pass counts.
package io.neurostream.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class PipelineBenchTest {

    /** Samples finish a batch at a time, so a pass counts the batches it completes, leftovers included. */
    @Test
    void aPassCountsTheBatchesItCompletes() {
        assertEquals(60_000, PipelineBench.finishedAfter(1, 60_000, 32));
        assertEquals(96, PipelineBench.finishedAfter(1, 100, 32)); // 4 samples wait for the next pass
        assertEquals(192, PipelineBench.finishedAfter(2, 100, 32)); // the second pass counts 96 of the 100 it sends
        assertEquals(300, PipelineBench.finishedAfter(3, 100, 1));
        assertEquals(0, PipelineBench.finishedAfter(0, 100, 32));
    }

    /** A stage reports the median of its timed passes with their range, so a difference can be judged against the noise. */
    @Test
    void passesGiveTheirMedianAndRange() {
        PipelineBench.Passes passes = PipelineBench.Passes.of(21_000, 18_000, 24_000);
        assertEquals(new PipelineBench.Passes(21_000, 18_000, 24_000), passes);
        assertEquals(6_000.0 / 21_000, passes.spread(), 1e-12);

        assertEquals(new PipelineBench.Passes(5, 5, 5), PipelineBench.Passes.of(5));
        assertEquals(0, PipelineBench.Passes.of(5).spread());
        assertEquals(new PipelineBench.Passes(3, 1, 4), PipelineBench.Passes.of(4, 1, 3, 2)); // an even count: the upper middle one
    }

    /**
     * A replicated model trains the rounds its shortest shard completes; a replica with samples for the next round contributes it
     * and holds the rest until the others catch up (the next pass), so a pass counts those samples later.
     */
    @Test
    void aReplicatedPassCountsWhatTheRoundsLetTrain() {
        // shards of 700 and 300 samples, batch 32, rounds of 2 batches (64 samples)
        // pass 1: the short shard completes 4 rounds (256) and one batch of round 4 (288), 12 wait in a partial batch; the long one
        // trains 5 rounds (320), contributes round 4 and holds the rest
        assertEquals(320 + 288, PipelineBench.trainedAfter(1, new int[] {700, 300}, 32, 2, false));
        // pass 2: 600 → 9 rounds (576) and 24 partial; the long one 10 rounds (640) of its 1,400, the rest held
        assertEquals(640 + 576, PipelineBench.trainedAfter(2, new int[] {700, 300}, 32, 2, false));
        assertEquals(0, PipelineBench.trainedAfter(0, new int[] {700, 300}, 32, 2, false));
        // with overlapped rounds a replica waits at the end of the round after the last common one: the long shard trains one
        // round more (6 rounds, 384, then 11 rounds, 704)
        assertEquals(384 + 288, PipelineBench.trainedAfter(1, new int[] {700, 300}, 32, 2, true));
        assertEquals(704 + 576, PipelineBench.trainedAfter(2, new int[] {700, 300}, 32, 2, true));
        // one shard, no rounds: whole batches, as finishedAfter counts
        assertEquals(PipelineBench.finishedAfter(3, 100, 32), PipelineBench.trainedAfter(3, new int[] {100}, 32, Integer.MAX_VALUE, false));
    }

    /**
     * --evaluate scores the merged model of the last round every shard completes: the shortest shard's whole rounds, less one; none
     * (−1, the initial weights) before it completes one.
     */
    @Test
    void theLastCommonRoundIsTheShortestShardsLastWholeRound() {
        // shards of 700 and 300 samples, rounds of 64: the short one completes rounds 0-3 in one pass, 0-8 in two
        assertEquals(3, PipelineBench.lastCommonRound(1, new int[] {700, 300}, 32, 2));
        assertEquals(8, PipelineBench.lastCommonRound(2, new int[] {700, 300}, 32, 2));
        assertEquals(-1, PipelineBench.lastCommonRound(1, new int[] {700, 63}, 32, 2));
    }

    @Test
    void replicaCountsAreCheckedInOneLine() {
        assertEquals("--replicas counts must be between 1 and 256, got 0",
                assertThrows(IllegalArgumentException.class, () -> PipelineBench.checkReplicas(List.of(1, 0))).getMessage());
        assertEquals("--replicas lists a count twice: [2, 2]",
                assertThrows(IllegalArgumentException.class, () -> PipelineBench.checkReplicas(List.of(2, 2))).getMessage());
        PipelineBench.checkReplicas(List.of(1, 2, 4));
    }

    /** Sync cost over the timed passes: the difference of two readings, per round. */
    @Test
    void syncCostIsPerRoundBetweenTwoReadings() {
        PipelineBench.Sync sync = PipelineBench.Sync.between(10, new PipelineBench.SyncReading(3, 3_000, 60, 6, 0),
                new PipelineBench.SyncReading(7, 11_000, 140, 14, 1));

        assertEquals(new PipelineBench.Sync(10, 4, 2_000, 10, 1), sync);
        assertEquals(new PipelineBench.Sync(10, 0, 0, 0, 0), PipelineBench.Sync.between(10, new PipelineBench.SyncReading(3, 3_000, 60, 6, 0),
                new PipelineBench.SyncReading(3, 3_000, 60, 6, 0)));
    }
}
