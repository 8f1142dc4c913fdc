package io.neurostream.app.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.neurostream.core.spec.ModelSpec;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

/** A spec goes to the partition of the samples its model reads: the default partitioner's for a key equal to its source. */
class SpecPartitionTest {
    private static ModelSpec spec(String name, String source) {
        return ModelSpec.parse("""
                {"name": "%s", "input": {"shape": [2]}, "layers": [{"type": "dense", "units": 1, "activation": "sigmoid"}],
                 "loss": "half_squared_error", "optimizer": {"type": "sgd"}%s}
                """.formatted(name, source == null ? "" : ", \"source\": \"" + source + "\""));
    }

    private static int samplePartition(String key, int partitions) {
        return BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions);
    }

    @Test
    void aSpecGoesWhereTheSamplesOfItsSourceGo() {
        for (int partitions : new int[] {1, 3, 8, 64}) {
            assertEquals(samplePartition("mnist-mlp", partitions), ModelSpecPublisher.partition(spec("mnist-mlp", null), partitions));
            assertEquals(samplePartition("digits", partitions), ModelSpecPublisher.partition(spec("mnist-mlp", "digits"), partitions));
            assertEquals(samplePartition("digits", partitions), ModelSpecPublisher.partition(spec("lenet5-b", "digits"), partitions));
        }
        assertNotEquals(samplePartition("mnist-mlp", 64), ModelSpecPublisher.partition(spec("mnist-mlp", "digits"), 64),
                "the source, not the name, decides (these two differ among 64 partitions)");
    }
}
