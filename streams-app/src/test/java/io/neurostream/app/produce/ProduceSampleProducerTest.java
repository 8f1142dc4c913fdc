// The produce loop against a MockProducer: topic, key, order, ids, and a failed send reported with its sample id.
package io.neurostream.app.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurostream.app.records.ReplicaKeys;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.schemas.Sample;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class ProduceSampleProducerTest {
    private static final long EVENT_TIME = 1_700_000_000_000L;

    @Test
    void shouldSendEverySampleInOrderUnderTheModelKey() throws InterruptedException {
        MockProducer<String, Sample> producer = new MockProducer<>(true, null, new StringSerializer(), NeurostreamSerdes.sample().serializer());
        SampleSource xor = SyntheticSource.of("xor", 8, 1, true);

        SampleProducer.Result result = producer(producer).produce(xor, new int[] {3, 0, 5}, quietProgress(3));

        assertEquals(3, result.samples());
        assertFalse(result.stopped());
        List<ProducerRecord<String, Sample>> sent = producer.history();
        assertEquals(List.of("xor-1-3", "xor-1-0", "xor-1-5"), sent.stream().map(r -> r.value().getId()).toList());
        assertTrue(sent.stream().allMatch(r -> r.topic().equals("samples") && r.key().equals("xor")));
        assertEquals(EVENT_TIME, sent.get(0).value().getEventTime().toEpochMilli());
        assertTrue(producer.flushed());
    }

    @Test
    void shouldKeyEachSampleOfAReplicatedModelByTheShardOfItsIdAndPartitionItThere() throws InterruptedException {
        int partitions = 4;
        List<PartitionInfo> infos = IntStream.range(0, partitions).mapToObj(p -> new PartitionInfo("samples", p, null, null, null)).toList();
        Cluster cluster = new Cluster("c", List.of(), infos, Set.of(), Set.of());
        MockProducer<String, Sample> producer = new MockProducer<>(cluster, true, new ReplicaKeys.KeyPartitioner(), new StringSerializer(),
                NeurostreamSerdes.sample().serializer());
        SampleProducer sender = new SampleProducer(producer, "samples", "m", 3, Pacer.unlimited(), () -> EVENT_TIME, System::nanoTime);

        sender.produce(SyntheticSource.of("xor", 200, 1, true), SampleProducer.order(200, null, null), quietProgress(200));

        List<ProducerRecord<String, Sample>> sent = producer.history();
        assertEquals(200, sent.size());
        int[] perShard = new int[3];
        for (ProducerRecord<String, Sample> r : sent) {
            int shard = ReplicaKeys.shardOf(r.value().getId(), 3);
            assertEquals("m#" + shard, r.key());
            perShard[shard]++;
        }
        assertTrue(Arrays.stream(perShard).allMatch(n -> n > 40), "200 ids spread over 3 shards: " + Arrays.toString(perShard));
        // the partitioner the producer is configured with puts shard s in partition (p(m) + s) mod P
        int home = ReplicaKeys.defaultPartition("m", partitions);
        for (int s = 0; s < 3; s++) {
            assertEquals((home + s) % partitions, new ReplicaKeys.KeyPartitioner().partition("samples", "m#" + s,
                    ("m#" + s).getBytes(StandardCharsets.UTF_8), null, null, cluster));
        }
        assertEquals("m", new SampleProducer(producer, "samples", "m", Pacer.unlimited(), () -> EVENT_TIME, System::nanoTime).keyOf("any"));
    }

    @Test
    void shouldStopEarlyWhenAskedAndStillFlushWhatItSent() throws InterruptedException {
        MockProducer<String, Sample> producer = new MockProducer<>(true, null, new StringSerializer(), NeurostreamSerdes.sample().serializer());
        SampleProducer sender = producer(producer);
        SyntheticSource points = SyntheticSource.of("circle", 10, 1, true);
        SampleSource stopsAtThird = new SampleSource() {
            @Override
            public String description() {
                return points.description();
            }

            @Override
            public int size() {
                return points.size();
            }

            @Override
            public Sample sample(int index, long eventTimeMillis) {
                if (index == 2) {
                    sender.stop(); // as the Ctrl-C hook does, from another thread
                }
                return points.sample(index, eventTimeMillis);
            }
        };

        SampleProducer.Result result = sender.produce(stopsAtThird, SampleProducer.order(10, null, null), quietProgress(10));

        assertEquals(3, result.samples());
        assertTrue(result.stopped());
        assertEquals(3, producer.history().size());
        assertTrue(producer.flushed());
    }

    @Test
    void shouldReportAFailedSendWithTheSampleId() {
        MockProducer<String, Sample> producer = new MockProducer<>(false, null, new StringSerializer(), NeurostreamSerdes.sample().serializer()) {
            @Override
            public synchronized void flush() {
                errorNext(new TimeoutException("Expiring 1 record(s)"));
                super.flush();
            }
        };

        KafkaException e = assertThrows(KafkaException.class,
                () -> producer(producer).produce(SyntheticSource.of("and", 4, 1, true), new int[] {0, 1}, quietProgress(2)));

        assertEquals("cannot write sample and-1-0 to topic samples: Expiring 1 record(s)", e.getMessage());
    }

    private static SampleProducer producer(MockProducer<String, Sample> mock) {
        String key = "xor";
        return new SampleProducer(mock, "samples", key, Pacer.unlimited(), () -> EVENT_TIME, System::nanoTime);
    }

    private static Progress quietProgress(long total) {
        return new Progress(new PrintWriter(new StringWriter()), "", false, total, System::nanoTime);
    }
}
