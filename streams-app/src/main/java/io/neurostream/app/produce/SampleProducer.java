// The produce loop: samples of a source, in a given order, to one topic under one key, paced, with progress.
package io.neurostream.app.produce;

import io.neurostream.app.records.ReplicaKeys;
import io.neurostream.core.data.Shuffle;
import io.neurostream.schemas.Sample;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Every record has the model name as key, so one model's samples stay in one partition, in order; for a model with
 * {@code replicas} R > 1, a sample (or label) is keyed {@code NAME#s} with s = {@link ReplicaKeys#shardOf} its id, so each shard's
 * samples stay in order in their shard's partition (given a producer with {@link ReplicaKeys.KeyPartitioner}, as
 * {@link Producers} makes).
 * The producer should be idempotent (a retried send is not duplicated); the first failed send
 * stops the loop and is reported with the id of its sample.
 */
public final class SampleProducer {
    /**
     * What was sent and how long it took (from the first send to the last acknowledgement);
     * {@code stopped} when {@link #stop()} ended the loop early.
     */
    public record Result(long samples, double seconds, boolean stopped) {
        public double samplesPerSecond() {
            return seconds > 0 ? samples / seconds : 0;
        }
    }

    private static final double NANOS_PER_SECOND = 1e9;

    private final Producer<String, Sample> producer;
    private final String topic;
    private final String key;
    private final int replicas;
    private final Pacer pacer;
    private final LongSupplier clockMillis;
    private final LongSupplier nanoTime;
    private volatile boolean stopRequested;
    private volatile long sentTotal; // written by the producing thread only
    private final AtomicLong acknowledgedTotal = new AtomicLong();

    /**
     * @param clockMillis gives each sample's event time (the wall clock when it is sent)
     * @param nanoTime    measures the duration
     */
    public SampleProducer(Producer<String, Sample> producer, String topic, String key, Pacer pacer,
                          LongSupplier clockMillis, LongSupplier nanoTime) {
        this(producer, topic, key, 1, pacer, clockMillis, nanoTime);
    }

    /**
     * @param model    the key, or for {@code replicas} > 1 the model whose shard keys {@code model#s} the samples get
     * @param replicas the model's replicas (1: every sample keyed {@code model})
     */
    public SampleProducer(Producer<String, Sample> producer, String topic, String model, int replicas, Pacer pacer,
                          LongSupplier clockMillis, LongSupplier nanoTime) {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be >= 1, got " + replicas);
        }
        this.producer = producer;
        this.topic = topic;
        this.key = model;
        this.replicas = replicas;
        this.pacer = pacer;
        this.clockMillis = clockMillis;
        this.nanoTime = nanoTime;
    }

    /**
     * The indices to send: {@code 0 .. size-1}, or a permutation of them when {@code shuffleSeed}
     * is given, cut to the first {@code limit} when it is given.
     */
    public static int[] order(int size, Integer limit, Long shuffleSeed) {
        int[] order = new int[size];
        if (shuffleSeed == null) {
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
        } else {
            order = Shuffle.permutation(size, shuffleSeed);
        }
        if (limit != null && limit < size) {
            int[] cut = new int[Math.max(0, limit)];
            System.arraycopy(order, 0, cut, 0, cut.length);
            return cut;
        }
        return order;
    }

    /** Sends {@code source}'s samples at {@code indices}, then flushes and waits for every acknowledgement. */
    public Result produce(SampleSource source, int[] indices, Progress progress) throws InterruptedException {
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        long start = nanoTime.getAsLong();
        progress.start();
        long sent = 0;
        for (int index : indices) {
            if (stopRequested) {
                break;
            }
            pacer.awaitTurn(sent);
            throwIfFailed(failure);
            Sample sample = source.sample(index, clockMillis.getAsLong());
            String id = sample.getId();
            producer.send(new ProducerRecord<>(topic, keyOf(id), sample), (metadata, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, new KafkaException("cannot write sample " + id + " to topic " + topic + ": " + e.getMessage(), e));
                } else {
                    acknowledgedTotal.incrementAndGet();
                }
            });
            sent++;
            sentTotal++;
            progress.update(sent);
        }
        producer.flush();
        throwIfFailed(failure);
        progress.finish(sent);
        return new Result(sent, (nanoTime.getAsLong() - start) / NANOS_PER_SECOND, sent < indices.length);
    }

    /** The key of the sample with this id. */
    public String keyOf(String sampleId) {
        return ReplicaKeys.sampleKey(key, sampleId, replicas);
    }

    /** Samples handed to the Kafka producer so far, over every {@link #produce} call (readable from any thread). */
    public long sent() {
        return sentTotal;
    }

    /** Samples the broker acknowledged so far (readable from any thread). */
    public long acknowledged() {
        return acknowledgedTotal.get();
    }

    /** Asks a running {@link #produce} to send nothing more; it still flushes what it sent and returns. */
    public void stop() {
        stopRequested = true;
    }

    private static void throwIfFailed(AtomicReference<RuntimeException> failure) {
        RuntimeException e = failure.get();
        if (e != null) {
            throw e;
        }
    }
}
