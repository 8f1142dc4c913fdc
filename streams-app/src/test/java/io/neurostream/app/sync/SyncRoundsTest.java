// The round decisions of a replicated model, read from its sync records in order: members, late shards, closes, merges.
package io.neurostream.app.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.core.replica.FederatedAverage;
import io.neurostream.core.replica.FederatedAverage.Contribution;
import io.neurostream.core.spec.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class SyncRoundsTest {
    private static final DataType F32 = DataType.FLOAT;

    private static double[] vector(int n, long seed) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static List<SyncRecord> chunks(long round, int shard, long samples, double[] delta) {
        return SyncRecord.contribution("m", 9, round, shard, samples, delta, F32).stream().map(SyncRecord::decode).toList();
    }

    private static final class Feed {
        final SyncRounds rounds;
        long offset;

        Feed(SyncRounds rounds) {
            this.rounds = rounds;
        }

        Feed add(List<SyncRecord> records) {
            records.forEach(r -> rounds.accept(offset++, r));
            return this;
        }

        Feed close(long round, int shard) {
            rounds.accept(offset++, SyncRecord.decode(SyncRecord.close("m", 9, round, shard)));
            return this;
        }
    }

    @Test
    void shouldDecideARoundWhenEveryShardContributedAndMergeByFederatedAverage() {
        double[] base = vector(50, 1);
        double[] d0 = vector(50, 2);
        double[] d1 = vector(50, 3);
        Feed feed = new Feed(SyncRounds.start("m", 9, new ModelSpec.Replication(2, 10), F32, base, 0));
        feed.add(chunks(0, 1, 64, d1));
        assertEquals(-1, feed.rounds.decided(), "waits for shard 0");
        feed.add(chunks(0, 0, 32, d0));
        assertEquals(0, feed.rounds.decided());
        assertEquals(Set.of(0, 1), feed.rounds.members());
        assertArrayEquals(FederatedAverage.merge(base, List.of(new Contribution(0, 32, d0), new Contribution(1, 64, d1)), F32), feed.rounds.merged());
        assertEquals(2, feed.rounds.resumeOffset());
        assertEquals(List.of(new SyncRounds.Decision(0, Set.of(0, 1), false)), feed.rounds.drainDecisions());
    }

    @Test
    void shouldMoveTheModelBySyncLearningRateTimesTheMeanChange() {
        double[] base = vector(30, 1);
        double[] d0 = vector(30, 2);
        double[] d1 = vector(30, 3);
        Feed plain = new Feed(SyncRounds.start("m", 9, new ModelSpec.Replication(2, 10), F32, base, 0));
        Feed scaled = new Feed(SyncRounds.start("m", 9, new ModelSpec.Replication(2, 10, 2.0), F32, base, 0));
        for (Feed feed : List.of(plain, scaled)) {
            feed.add(chunks(0, 0, 32, d0)).add(chunks(0, 1, 32, d1));
        }
        List<Contribution> round = List.of(new Contribution(0, 32, d0), new Contribution(1, 32, d1));
        assertArrayEquals(FederatedAverage.merge(base, round, F32, 2.0), scaled.rounds.merged());
        for (int i = 0; i < base.length; i++) {
            assertEquals(2 * (plain.rounds.merged()[i] - base[i]), scaled.rounds.merged()[i] - base[i], 1e-6);
        }
    }

    @Test
    void shouldDecideARoundAtItsCloseWithTheContributionsCompleteThenAndLetALateShardRejoin() {
        double[] base = vector(40, 1);
        double[] d0 = vector(40, 2);
        Feed feed = new Feed(SyncRounds.start("m", 9, new ModelSpec.Replication(3, 10), F32, base, 0));
        feed.add(chunks(0, 0, 10, d0)).close(0, 0);
        assertEquals(0, feed.rounds.decided());
        assertEquals(Set.of(0), feed.rounds.members());
        assertTrue(feed.rounds.drainDecisions().get(0).byClose());
        double[] after0 = FederatedAverage.merge(base, List.of(new Contribution(0, 10, d0)), F32);
        assertArrayEquals(after0, feed.rounds.merged());

        feed.add(chunks(0, 2, 10, vector(40, 9)));
        assertArrayEquals(after0, feed.rounds.merged(), "a contribution completed after its round's decision is ignored for it");
        assertEquals(Set.of(0, 2), feed.rounds.expected(), "and its shard is expected in the next round");

        double[] e0 = vector(40, 4);
        double[] e2 = vector(40, 5);
        feed.add(chunks(1, 0, 7, e0));
        assertEquals(0, feed.rounds.decided(), "round 1 waits for the late shard");
        feed.add(chunks(1, 2, 3, e2));
        assertEquals(1, feed.rounds.decided());
        assertEquals(Set.of(0, 2), feed.rounds.members());
        assertArrayEquals(FederatedAverage.merge(after0, List.of(new Contribution(0, 7, e0), new Contribution(2, 3, e2)), F32), feed.rounds.merged());
    }

    @Test
    void shouldLeaveAnIncompleteContributionOutOfARoundClosedBeforeItsLastChunk() {
        int n = SyncRecord.CHUNK_DATA_BYTES / 4 + 100; // two chunks per contribution
        double[] base = vector(n, 1);
        double[] d0 = vector(n, 2);
        List<SyncRecord> c1 = chunks(0, 1, 5, vector(n, 3));
        assertEquals(2, c1.size());
        Feed feed = new Feed(SyncRounds.start("m", 9, new ModelSpec.Replication(2, 10), F32, base, 0));
        feed.add(chunks(0, 0, 5, d0)).add(c1.subList(0, 1)).close(0, 0);
        assertEquals(Set.of(0), feed.rounds.members());
        assertArrayEquals(FederatedAverage.merge(base, List.of(new Contribution(0, 5, d0)), F32), feed.rounds.merged());
        feed.add(c1.subList(1, 2));
        assertEquals(Set.of(0, 1), feed.rounds.expected(), "the late shard's remaining chunk makes it expected again");
    }

    @Test
    void shouldMergeBitIdenticallyWhateverTheInterleavingOfTwoShardsChunks() {
        int n = 2 * (SyncRecord.CHUNK_DATA_BYTES / 4) + 10; // three chunks per contribution
        double[] base = vector(n, 1);
        List<SyncRecord> a = chunks(0, 0, 31, vector(n, 2));
        List<SyncRecord> b = chunks(0, 1, 17, vector(n, 3));
        double[] expected = null;
        Random random = new Random(7);
        for (int trial = 0; trial < 12; trial++) {
            List<SyncRecord> order = new ArrayList<>();
            int i = 0;
            int j = 0;
            while (i < a.size() || j < b.size()) {
                boolean takeA = j == b.size() || (i < a.size() && random.nextBoolean());
                order.add(takeA ? a.get(i++) : b.get(j++));
            }
            Feed feed = new Feed(SyncRounds.start("m", 9, new ModelSpec.Replication(2, 10), F32, base, 0)).add(order);
            assertEquals(0, feed.rounds.decided());
            if (expected == null) {
                expected = feed.rounds.merged();
            }
            assertTrue(Arrays.equals(expected, feed.rounds.merged()), "interleaving " + trial);
        }
    }

    @Test
    void shouldGiveTheSameRoundsReadingFromTheResumeOffsetAsFromTheStart() {
        double[] base = vector(20, 1);
        List<SyncRecord> log = new ArrayList<>();
        log.addAll(chunks(0, 0, 4, vector(20, 2)));
        log.add(SyncRecord.decode(SyncRecord.close("m", 9, 0, 0)));
        log.addAll(chunks(0, 1, 4, vector(20, 3))); // late
        log.addAll(chunks(1, 0, 4, vector(20, 4)));
        log.addAll(chunks(1, 1, 4, vector(20, 5)));
        log.addAll(chunks(2, 1, 4, vector(20, 6)));
        Feed whole = new Feed(SyncRounds.start("m", 9, new ModelSpec.Replication(2, 10), F32, base, 0)).add(log);
        assertEquals(1, whole.rounds.decided());

        Feed first = new Feed(SyncRounds.start("m", 9, new ModelSpec.Replication(2, 10), F32, base, 0)).add(log.subList(0, 2));
        SyncRounds resumed = SyncRounds.resume("m", 9, new ModelSpec.Replication(2, 10), F32, first.rounds.decided(), first.rounds.merged(), first.rounds.members(),
                first.rounds.resumeOffset(), first.rounds.decidedAt());
        Feed rest = new Feed(resumed);
        rest.offset = resumed.resumeOffset();
        rest.add(log.subList((int) resumed.resumeOffset(), log.size()));
        assertEquals(whole.rounds.decided(), rest.rounds.decided());
        assertArrayEquals(whole.rounds.merged(), rest.rounds.merged());
        assertEquals(whole.rounds.expected(), rest.rounds.expected());
        assertEquals(whole.rounds.resumeOffset(), rest.rounds.resumeOffset());
    }

    @Test
    void shouldResumeFromADecidedRoundWhoseNextRoundBeganBeforeIt() {
        // overlapped rounds: shard 1 writes round 1 once it has read round 0's start (merged(-1)), before round 0 is decided
        double[] base = vector(20, 1);
        List<SyncRecord> log = new ArrayList<>();
        log.addAll(chunks(0, 1, 4, vector(20, 2)));
        log.addAll(chunks(1, 1, 4, vector(20, 3)));
        log.addAll(chunks(0, 0, 4, vector(20, 4))); // decides round 0; round 1's first record came before it
        log.addAll(chunks(2, 1, 4, vector(20, 5)));
        log.addAll(chunks(1, 0, 4, vector(20, 6))); // decides round 1
        log.addAll(chunks(0, 0, 4, vector(20, 7))); // a late chunk of a decided round: shard 0 rejoins (it is expected anyway)
        Feed whole = new Feed(SyncRounds.start("m", 9, new ModelSpec.Replication(2, 10), F32, base, 0)).add(log);
        assertEquals(1, whole.rounds.decided());
        for (int cut = 1; cut <= log.size(); cut++) {
            Feed first = new Feed(SyncRounds.start("m", 9, new ModelSpec.Replication(2, 10), F32, base, 0)).add(log.subList(0, cut));
            for (long round = first.rounds.decided() - 1; round <= first.rounds.decided(); round++) {
                SyncRounds.Point at = first.rounds.point(round);
                if (at == null || round < 0) {
                    continue;
                }
                SyncRounds resumed = SyncRounds.resume("m", 9, new ModelSpec.Replication(2, 10), F32, at.round(), at.merged(), at.members(),
                        at.resumeOffset(), at.decidedAt());
                Feed rest = new Feed(resumed);
                rest.offset = at.resumeOffset();
                rest.add(log.subList((int) at.resumeOffset(), log.size()));
                assertEquals(whole.rounds.decided(), rest.rounds.decided(), "resumed at round " + round + " after " + cut + " records");
                assertArrayEquals(whole.rounds.merged(), rest.rounds.merged());
                assertEquals(whole.rounds.expected(), rest.rounds.expected());
                assertEquals(whole.rounds.resumeOffset(), rest.rounds.resumeOffset());
            }
        }
        assertEquals(0, whole.rounds.point(0).round(), "the round before the last decided is still there");
        assertEquals(1, whole.rounds.point(0).resumeOffset(), "round 1's first record came before round 0's decision");
        assertEquals(null, whole.rounds.point(-1));
    }

    @Test
    void shouldIgnoreRecordsOfOtherModelsAndRefuseBytesThatAreNotASyncRecord() {
        Feed feed = new Feed(SyncRounds.start("m", 9, new ModelSpec.Replication(2, 10), F32, vector(5, 1), 0));
        feed.rounds.accept(0, SyncRecord.decode(SyncRecord.close("other", 9, 0, 0)));
        feed.rounds.accept(1, SyncRecord.decode(SyncRecord.close("m", 8, 0, 0)));
        assertEquals(-1, feed.rounds.decided(), "a close of another model, or of an earlier spec of this one, decides nothing");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SyncRecord.decode(new byte[] {'N', 'S', 'Y', 1, 0}));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SyncRecord.decode("hello".getBytes()));
        assertFalse(SyncRecord.contribution("m", 9, 0, 0, 1, new double[300_000], F32).stream().anyMatch(r -> r.length > SyncRecord.MAX_RECORD_BYTES));
    }

    @Test
    void shouldIgnoreAChunkThatCannotBelongToAContributionOfTheModel() {
        double[] base = vector(5, 1);
        double[] d0 = vector(5, 2);
        double[] d1 = vector(5, 3);
        Feed feed = new Feed(SyncRounds.start("m", 9, new ModelSpec.Replication(2, 10), F32, base, 0));
        byte[] sha = SyncRecord.sha256(SyncRecord.payload(d0, F32));
        // a forged count of chunks (nothing is allocated for it), and a contribution of a model of another size
        feed.add(List.of(new SyncRecord.Chunk("m", 9, 0, 0, 0, Integer.MAX_VALUE, 32, F32, 5, sha, new byte[20])));
        feed.add(chunks(0, 0, 32, vector(7, 4)));
        assertEquals(-1, feed.rounds.decided());
        feed.add(chunks(0, 0, 32, d0)).add(chunks(0, 1, 32, d1));
        assertEquals(0, feed.rounds.decided(), "the shard's real contribution still counts");
        assertArrayEquals(FederatedAverage.merge(base, List.of(new Contribution(0, 32, d0), new Contribution(1, 32, d1)), F32), feed.rounds.merged());
    }
}
