// Produces a first source's samples and then a second's to the samples topic, on its own thread (the demo's training then test images).
package io.neurostream.app.produce;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.app.topology.Topics;
import io.neurostream.schemas.Sample;
import java.io.PrintWriter;
import java.io.Writer;
import org.apache.kafka.clients.producer.Producer;

/** Samples are keyed by the model's name (by its shards' keys for a replicated model: {@link SampleProducer}), in each source's order, paced by {@link Pacer}; the producer closes when both are sent. */
public final class SampleFeeder {
    private final Producer<String, Sample> producer;
    private final SampleProducer sender;
    private final Thread thread;
    private volatile boolean done;
    private volatile RuntimeException failure;

    /**
     * @param rate samples per second at most, or null for as fast as Kafka takes them
     */
    public SampleFeeder(NeurostreamConfig config, String clientId, String key, Double rate, SampleSource first, int firstCount,
                        SampleSource second, int secondCount) {
        this(config, clientId, key, 1, rate, first, firstCount, second, secondCount);
    }

    /**
     * @param replicas the model's replicas: samples keyed {@code key#s} by their id's shard when > 1
     * @param rate     samples per second at most, or null for as fast as Kafka takes them
     */
    public SampleFeeder(NeurostreamConfig config, String clientId, String key, int replicas, Double rate, SampleSource first, int firstCount,
                        SampleSource second, int secondCount) {
        this.producer = Producers.create(config, clientId, NeurostreamSerdes.sample().serializer());
        String topic = new Topics(config.string(NeurostreamConfig.TOPIC_PREFIX)).samples();
        this.sender = new SampleProducer(producer, topic, key, replicas, rate == null ? Pacer.unlimited() : new Pacer(rate, Pacer.SYSTEM),
                System::currentTimeMillis, System::nanoTime);
        this.thread = new Thread(() -> {
            try {
                send(first, firstCount);
                send(second, secondCount);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                producer.close();
                done = true;
            }
        }, clientId + "-producer");
    }

    private void send(SampleSource source, int count) throws InterruptedException {
        Progress silent = new Progress(new PrintWriter(Writer.nullWriter()), "", false, count, System::nanoTime);
        sender.produce(source, SampleProducer.order(source.size(), count, null), silent);
    }

    public void start() {
        thread.start();
    }

    /** Stops sending and waits for the thread to end. */
    public void stop() throws InterruptedException {
        sender.stop();
        thread.join();
    }

    /** Samples sent so far. */
    public long produced() {
        return sender.sent();
    }

    /** Whether both sources are sent (or sending stopped or failed). */
    public boolean done() {
        return done;
    }

    /** Why sending failed, or null. */
    public RuntimeException failure() {
        return failure;
    }
}
