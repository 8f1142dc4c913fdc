// The 10-byte header of Avro single-object encoding: marker C3 01, then the writer schema's
// CRC-64-AVRO fingerprint, little-endian (Avro specification, "Single-object encoding").
package io.neurostream.app.serde;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

final class SingleObjectHeader {
    static final int LENGTH = 10;
    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;
    private static final int FINGERPRINT_OFFSET = 2;

    private SingleObjectHeader() {
    }

    /** True when bytes are long enough for a header and start with the marker. */
    static boolean isPresent(byte[] bytes) {
        return bytes.length >= LENGTH && bytes[0] == MARKER_0 && bytes[1] == MARKER_1;
    }

    /** The writer schema's fingerprint; call only when {@link #isPresent} holds. */
    static long fingerprint(byte[] bytes) {
        long fingerprint = 0;
        for (int i = LENGTH - 1; i >= FINGERPRINT_OFFSET; i--) {
            fingerprint = (fingerprint << 8) | (bytes[i] & 0xFF);
        }
        return fingerprint;
    }

    /** The fingerprint that single-object encoding writes for a schema. */
    static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /** A fingerprint as people read it: 0x and 16 hex digits of the 64-bit value. */
    static String hex(long fingerprint) {
        return String.format("0x%016x", fingerprint);
    }

    /** The first bytes of a value in hex (at most two), to show what was there instead of the marker. */
    static String leadingBytes(byte[] bytes) {
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < Math.min(2, bytes.length); i++) {
            shown.append(i == 0 ? "" : " ").append(String.format("%02X", bytes[i]));
        }
        return shown.toString();
    }
}
