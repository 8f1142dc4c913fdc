// A value too large for one store record, kept as chunks plus a manifest: a snapshot generation, a replica's base.
package io.neurostream.app.state;

import io.neurostream.core.codec.SnapshotChunks;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueStore;

/** Chunks under {@code chunkPrefix + i}, the manifest (count and checksum, {@link SnapshotChunks}) under {@code manifestKey}. */
final class ChunkedBlob {
    private ChunkedBlob() {}

    /** Writes the chunks, deletes those a longer previous value left beyond them, then the manifest. */
    static void put(KeyValueStore<String, byte[]> kv, String manifestKey, String chunkPrefix, byte[] payload) {
        SnapshotChunks.Manifest previous = manifest(kv::get, manifestKey);
        SnapshotChunks.Split split = SnapshotChunks.split(payload);
        for (int i = 0; i < split.chunks().size(); i++) {
            kv.put(chunkPrefix + i, split.chunks().get(i));
        }
        for (int i = split.chunks().size(); previous != null && i < previous.chunkCount(); i++) {
            kv.delete(chunkPrefix + i);
        }
        kv.put(manifestKey, split.manifest().encode());
    }

    /**
     * The value reassembled and checked, or null when none is stored.
     *
     * @throws io.neurostream.core.codec.SnapshotException when a chunk or the manifest does not read back
     */
    static byte[] get(Function<String, byte[]> store, String manifestKey, String chunkPrefix) {
        SnapshotChunks.Manifest manifest = manifest(store, manifestKey);
        if (manifest == null) {
            return null;
        }
        List<byte[]> chunks = new ArrayList<>(manifest.chunkCount());
        for (int i = 0; i < manifest.chunkCount(); i++) {
            chunks.add(store.apply(chunkPrefix + i));
        }
        return SnapshotChunks.join(manifest, chunks);
    }

    /** Deletes the chunks and the manifest. */
    static void delete(KeyValueStore<String, byte[]> kv, String manifestKey, String chunkPrefix) {
        SnapshotChunks.Manifest previous = manifest(kv::get, manifestKey);
        for (int i = 0; previous != null && i < previous.chunkCount(); i++) {
            kv.delete(chunkPrefix + i);
        }
        kv.delete(manifestKey);
    }

    private static SnapshotChunks.Manifest manifest(Function<String, byte[]> store, String manifestKey) {
        byte[] b = store.apply(manifestKey);
        return b == null ? null : SnapshotChunks.Manifest.decode(b);
    }
}
