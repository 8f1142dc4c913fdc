// Reassembles the newest complete version of each model from the records of the model-versions topic.
package io.neurostream.app.versions;

import io.neurostream.app.serde.DecodeResult;
import io.neurostream.app.serde.NeurostreamSerdes;
import io.neurostream.schemas.ModelVersionPart;
import io.neurostream.schemas.ModelVersionRecord;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Feed it the topic's records in offset order (read_committed, from the beginning); it keeps, as
 * compaction does, the newest chunk per index and the newest manifest per model, and a version is
 * complete when the manifest's chunks 0..n-1 are all there with the manifest's version and
 * checksum, their lengths add up and the joined bytes hash to that checksum. Half a model — chunks
 * of two versions that compaction left side by side, a chunk missing, a corrupted byte — is never
 * returned: the previous complete version stays the newest. Not thread-safe (one consumer thread).
 */
public final class ModelVersionReader {
    private final Map<String, Parts> models = new HashMap<>();
    private final Consumer<String> problems;

    /** @param problems told, in one line, about records that do not decode and versions that fail their checksum */
    public ModelVersionReader(Consumer<String> problems) {
        this.problems = problems;
    }

    private static final class Parts {
        final Map<Integer, ModelVersionRecord> chunks = new HashMap<>();
        ModelVersionRecord manifest;
        PublishedModel newest;
    }

    /**
     * Takes one record (a null value is a tombstone); returns the version it completes, if any.
     *
     * @param where the record's place, for messages (e.g. "model-versions-0@17")
     */
    public Optional<PublishedModel> accept(byte[] key, byte[] value, String where) {
        if (key == null) {
            problems.accept("model-versions record at " + where + " has no key; skipped");
            return Optional.empty();
        }
        String model = ModelVersionKeys.model(key);
        if (value == null) {
            Parts parts = models.get(model);
            if (parts != null && Arrays.equals(key, ModelVersionKeys.manifest(model))) {
                parts.manifest = null;
            }
            return Optional.empty();
        }
        DecodeResult<ModelVersionRecord> decoded = NeurostreamSerdes.modelVersion().decoder().decode(value);
        if (!(decoded instanceof DecodeResult.Decoded<ModelVersionRecord> ok)) {
            problems.accept("model-versions record at " + where + " does not decode: " + ((DecodeResult.Rejected<ModelVersionRecord>) decoded).message());
            return Optional.empty();
        }
        ModelVersionRecord record = ok.record();
        if (!record.getModel().equals(model)) {
            problems.accept("model-versions record at " + where + " keyed for model " + model + " names model " + record.getModel() + "; skipped");
            return Optional.empty();
        }
        Parts parts = models.computeIfAbsent(model, m -> new Parts());
        if (record.getPart() == ModelVersionPart.MANIFEST) {
            parts.manifest = record;
        } else {
            parts.chunks.put(record.getChunkIndex(), record);
        }
        return complete(parts, where);
    }

    /** The newest complete version of a model read so far. */
    public Optional<PublishedModel> newest(String model) {
        Parts parts = models.get(model);
        return parts == null ? Optional.empty() : Optional.ofNullable(parts.newest);
    }

    private Optional<PublishedModel> complete(Parts parts, String where) {
        ModelVersionRecord manifest = parts.manifest;
        if (manifest == null || parts.newest != null && sameVersion(parts.newest, manifest)) {
            return Optional.empty();
        }
        int count = manifest.getChunkCount();
        if (count < 1 || manifest.getTotalBytes() < 0 || manifest.getTotalBytes() > Integer.MAX_VALUE - 8) {
            problems.accept("model " + manifest.getModel() + " version " + manifest.getVersion() + " at " + where
                    + ": manifest with " + count + " chunks and " + manifest.getTotalBytes() + " bytes; skipped");
            parts.manifest = null;
            return Optional.empty();
        }
        long total = 0;
        for (int i = 0; i < count; i++) {
            ModelVersionRecord chunk = parts.chunks.get(i);
            if (chunk == null || chunk.getVersion() != manifest.getVersion() || !chunk.getSha256().equals(manifest.getSha256())
                    || chunk.getChunkCount() != count) {
                return Optional.empty(); // not all of this version is here (yet): keep the previous one
            }
            total += chunk.getData().remaining();
        }
        if (total != manifest.getTotalBytes()) {
            problems.accept("model " + manifest.getModel() + " version " + manifest.getVersion() + " at " + where + ": chunks hold "
                    + total + " bytes, the manifest says " + manifest.getTotalBytes() + "; skipped");
            parts.manifest = null;
            return Optional.empty();
        }
        byte[] payload = new byte[(int) total];
        int at = 0;
        for (int i = 0; i < count; i++) {
            ByteBuffer data = parts.chunks.get(i).getData().duplicate();
            int n = data.remaining();
            data.get(payload, at, n);
            at += n;
        }
        byte[] expected = bytes(manifest.getSha256());
        if (!Arrays.equals(ModelPublisher.sha256(payload), expected)) {
            problems.accept("model " + manifest.getModel() + " version " + manifest.getVersion() + " at " + where
                    + ": the joined chunks do not match the manifest's SHA-256 " + HexFormat.of().formatHex(expected) + "; skipped");
            parts.manifest = null;
            return Optional.empty();
        }
        PublishedModel model = new PublishedModel(manifest.getModel(), manifest.getVersion(), manifest.getSpecJson(),
                manifest.getPublishedAt(), HexFormat.of().formatHex(expected), payload);
        parts.newest = model;
        return Optional.of(model);
    }

    private static boolean sameVersion(PublishedModel model, ModelVersionRecord manifest) {
        return model.version() == manifest.getVersion() && model.sha256().equals(HexFormat.of().formatHex(bytes(manifest.getSha256())));
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
