// One complete, checked version of a model from the model-versions topic.
package io.neurostream.app.versions;

import io.neurostream.core.net.Network;
import java.time.Instant;

/**
 * @param version     optimizer steps applied to these weights (the modelStep of predictions made with them)
 * @param sha256      hex SHA-256 of the payload, as the manifest gave it and the reader checked
 * @param payload     the {@link WeightsCodec} bytes; not copied, do not change
 */
public record PublishedModel(String name, long version, String specJson, Instant publishedAt, String sha256, byte[] payload) {

    /** The network's current weights as a published version (what a reader reassembles from the topic), without Kafka. */
    public static PublishedModel of(Network net, Instant publishedAt) {
        byte[] payload = WeightsCodec.encode(net);
        return new PublishedModel(net.spec().name(), net.counters().steps(), net.spec().json(), publishedAt,
                java.util.HexFormat.of().formatHex(ModelPublisher.sha256(payload)), payload);
    }

    /** The same weights under another version number (benchmarks of swapping). */
    public PublishedModel withVersion(long newVersion) {
        return new PublishedModel(name, newVersion, specJson, publishedAt, sha256, payload);
    }

    /** A new network holding these weights (each call decodes a new, independent one). */
    public Network network() {
        return WeightsCodec.decode(payload);
    }
}
