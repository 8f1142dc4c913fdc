// Creates neurostream's topics when they are absent and checks that samples and models are co-partitioned.
package io.neurostream.app.runtime;

import io.neurostream.app.config.NeurostreamConfig;
import io.neurostream.app.topology.Topics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The models topic (the latest spec per model name) and model-versions (the newest chunks and manifest
 * per model) are compacted; sync (the rounds of replicated models) is deleted after {@value #SYNC_RETENTION_DAYS} days (a
 * replica reads it from the last round it adopted, which its store keeps); the others use the broker's defaults.
 */
public final class TopicSetup {
    private static final int DESCRIBE_ATTEMPTS = 50;
    private static final long DESCRIBE_BACKOFF_MS = 200;
    static final int SYNC_RETENTION_DAYS = 7;

    private TopicSetup() {}

    /** Describes topics, waiting for just-created ones to appear in the brokers' metadata. */
    private static Map<String, TopicDescription> describe(Admin client, List<String> names) throws ExecutionException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return client.describeTopics(names).allTopicNames().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || attempt == DESCRIBE_ATTEMPTS) {
                    throw e;
                }
                Thread.sleep(DESCRIBE_BACKOFF_MS);
            }
        }
    }

    /**
     * Waits until every partition of these topics answers at its leader, which a producer needs:
     * a broker can list a new topic before its log exists, and an idempotent producer whose first
     * request fails there (NOT_LEADER_OR_FOLLOWER) while a later one succeeds retries the first
     * with OUT_OF_ORDER_SEQUENCE_NUMBER until it times out and drops those records (KAFKA-15591,
     * seen here in AccountingIT). Listing the latest offsets goes to each partition's log on its
     * leader, and the admin client retries until it is there.
     */
    public static void awaitWritable(Admin client, Collection<String> topics) throws ExecutionException, InterruptedException {
        awaitLeaders(client, describe(client, List.copyOf(topics)).values());
    }

    private static void awaitLeaders(Admin client, Collection<TopicDescription> topics) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicDescription topic : topics) {
            topic.partitions().forEach(p -> latest.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
        }
        client.listOffsets(latest).all().get();
    }

    public static void ensureTopics(NeurostreamConfig config) {
        Topics topics = new Topics(config.string(NeurostreamConfig.TOPIC_PREFIX));
        int partitions = config.intValue(NeurostreamConfig.TOPIC_PARTITIONS);
        short replication = (short) config.intValue(NeurostreamConfig.TOPIC_REPLICATION);
        Map<String, Object> admin = ClientSettings.admin(config, "neurostream-topic-setup");
        try (Admin client = Admin.create(admin)) {
            Set<String> existing = client.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (String name : List.of(topics.samples(), topics.labels(), topics.predictions(), topics.metrics(), topics.deadLetters(), topics.models(),
                    topics.modelVersions(), topics.drift(), topics.sync())) {
                if (!existing.contains(name)) {
                    NewTopic topic = new NewTopic(name, partitions, replication);
                    if (name.equals(topics.models()) || name.equals(topics.modelVersions())) {
                        topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                    } else if (name.equals(topics.sync())) {
                        topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                                TopicConfig.RETENTION_MS_CONFIG, Long.toString(java.time.Duration.ofDays(SYNC_RETENTION_DAYS).toMillis())));
                    }
                    missing.add(topic);
                }
            }
            if (!missing.isEmpty()) {
                try {
                    client.createTopics(missing).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            Set<String> toDescribe = new LinkedHashSet<>(List.of(topics.samples(), topics.models(), topics.labels()));
            missing.forEach(t -> toDescribe.add(t.name()));
            Map<String, TopicDescription> described = describe(client, List.copyOf(toDescribe));
            if (!missing.isEmpty()) {
                awaitLeaders(client, missing.stream().map(t -> described.get(t.name())).toList());
            }
            int samples = described.get(topics.samples()).partitions().size();
            int models = described.get(topics.models()).partitions().size();
            if (samples != models) {
                throw new IllegalStateException("topics " + topics.samples() + " (" + samples + " partitions) and " + topics.models() + " ("
                        + models + ") must have the same number of partitions: a model's samples and its spec are read by the same task");
            }
            int labels = described.get(topics.labels()).partitions().size();
            if (samples != labels) {
                throw new IllegalStateException("topics " + topics.samples() + " (" + samples + " partitions) and " + topics.labels() + " ("
                        + labels + ") must have the same number of partitions: a sample and its label are read by the same task");
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create or describe topics on " + ClientSettings.bootstrapServers(admin) + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
