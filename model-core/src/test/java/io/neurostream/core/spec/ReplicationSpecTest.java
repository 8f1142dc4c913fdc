package io.neurostream.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReplicationSpecTest {
    private static String spec(String fields) {
        return """
                {"name": "m", "input": {"shape": [2]},
                 "layers": [{"type": "dense", "units": 2, "activation": "softmax"}],
                 "loss": "cross_entropy", "optimizer": {"type": "sgd", "learning_rate": 0.1}%s}
                """.formatted(fields);
    }

    @Test
    void oneReplicaByDefault() {
        ModelSpec.Replication r = ModelSpec.parse(spec("")).replication();
        assertEquals(new ModelSpec.Replication(1, 10), r);
        assertFalse(r.replicated());
    }

    @Test
    void replicasAndSyncIntervalAreRead() {
        ModelSpec.Replication r = ModelSpec.parse(spec(", \"replicas\": 4, \"sync_every\": 25")).replication();
        assertEquals(new ModelSpec.Replication(4, 25), r);
        assertTrue(r.replicated());
    }

    @Test
    void outOfRangeValuesSayWhichFieldAndWhy() {
        assertEquals("replicas: must be >= 1, got 0",
                assertThrows(SpecException.class, () -> ModelSpec.parse(spec(", \"replicas\": 0"))).getMessage());
        assertEquals("replicas: must be <= 256, got 257",
                assertThrows(SpecException.class, () -> ModelSpec.parse(spec(", \"replicas\": 257"))).getMessage());
        assertEquals("sync_every: must be >= 1, got 0",
                assertThrows(SpecException.class, () -> ModelSpec.parse(spec(", \"replicas\": 2, \"sync_every\": 0"))).getMessage());
        assertThrows(SpecException.class, () -> ModelSpec.parse(spec(", \"replicas\": \"two\"")));
    }

    @Test
    void theSyncLearningRateDefaultsToOneAndIsChecked() {
        assertEquals(1.0, ModelSpec.parse(spec(", \"replicas\": 2")).replication().syncLearningRate(), 0.0);
        assertEquals(new ModelSpec.Replication(4, 10, 2.0),
                ModelSpec.parse(spec(", \"replicas\": 4, \"sync_learning_rate\": 2")).replication());
        assertTrue(assertThrows(SpecException.class, () -> ModelSpec.parse(spec(", \"replicas\": 2, \"sync_learning_rate\": 0")))
                .getMessage().startsWith("sync_learning_rate: "));
        assertTrue(assertThrows(SpecException.class, () -> ModelSpec.parse(spec(", \"replicas\": 2, \"sync_learning_rate\": 300")))
                .getMessage().startsWith("sync_learning_rate: "));
    }

    @Test
    void syncOverlapIsABooleanWithItsDefault() {
        assertEquals(ModelSpec.Replication.DEFAULT_SYNC_OVERLAP, ModelSpec.parse(spec(", \"replicas\": 2")).replication().syncOverlap());
        assertTrue(ModelSpec.parse(spec(", \"replicas\": 2, \"sync_overlap\": true")).replication().syncOverlap());
        assertFalse(ModelSpec.parse(spec(", \"replicas\": 2, \"sync_overlap\": false")).replication().syncOverlap());
        assertEquals("sync_overlap: expected true or false, got 1",
                assertThrows(SpecException.class, () -> ModelSpec.parse(spec(", \"replicas\": 2, \"sync_overlap\": 1"))).getMessage());
    }

    @Test
    void aReplicatedModelReadsItsOwnStream() {
        SpecException e = assertThrows(SpecException.class, () -> ModelSpec.parse(spec(", \"replicas\": 2, \"source\": \"digits\"")));
        assertEquals("replicas: a replicated model reads its own stream: drop \"source\" (\"digits\") or set replicas to 1", e.getMessage());
    }
}
