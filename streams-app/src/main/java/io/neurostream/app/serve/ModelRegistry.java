// The models being served, each swapped for its newer version atomically.
package io.neurostream.app.serve;

import io.neurostream.app.versions.PublishedModel;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A map of immutable {@link ServedModel}s: a request reads the reference once and finishes on that
 * version, whatever is swapped in meanwhile; nothing is locked on the request path. With a set of
 * names given, only those are served.
 */
public final class ModelRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
    private final ConcurrentHashMap<String, ServedModel> models = new ConcurrentHashMap<>();
    private final Set<String> only;
    private final ServeMetrics metrics;
    private final int copies;

    /**
     * @param only   the models to serve; empty for all
     * @param copies network copies decoded per version before it is swapped in: the server's prediction slots
     */
    public ModelRegistry(Set<String> only, ServeMetrics metrics, int copies) {
        this.only = Set.copyOf(only);
        this.metrics = metrics;
        this.copies = copies;
    }

    public boolean wants(String model) {
        return only.isEmpty() || only.contains(model);
    }

    /** Decodes the version and swaps it in; a version that does not decode is logged, counted and not served. */
    public void offer(PublishedModel published) {
        if (!wants(published.name())) {
            return;
        }
        ServedModel model;
        try {
            model = new ServedModel(published, copies);
        } catch (RuntimeException e) {
            metrics.rejected();
            LOG.warn("model {} version {}: not served: {}", published.name(), published.version(), e.getMessage());
            return;
        }
        ServedModel old = models.put(published.name(), model);
        metrics.swapped(published.name(), published.version());
        LOG.info("model {}: serving version {}{}", published.name(), published.version(), old == null ? "" : " (was " + old.version() + ")");
    }

    ServedModel get(String name) {
        return models.get(name);
    }

    Collection<ServedModel> all() {
        return models.values();
    }

    /** The version served for a model, or -1. */
    public long version(String name) {
        ServedModel m = models.get(name);
        return m == null ? -1 : m.version();
    }

    Set<String> only() {
        return only;
    }
}
