package dev.caravan.storage;

/**
 * One file uploaded through Caravan: Google's resource name, who uploaded it and with which key (fingerprints
 * only), and what Google said of it.
 *
 * @param name             Google's resource name, {@code files/<id>}
 * @param ownerFingerprint the uploading client token's fingerprint, or null (an imported record without one)
 * @param keyFingerprint   the fingerprint of the key whose project holds the file
 * @param displayName      the client's name for it, or null
 * @param mimeType         its type, or null
 * @param sizeBytes        its size, or null when unknown
 * @param state            Google's {@code File.state}: {@code PROCESSING}, {@code ACTIVE} or {@code FAILED}
 * @param uri              Google's {@code File.uri}, or null
 * @param createdAtMs      when it was uploaded (epoch ms)
 * @param expiresAtMs      when Google deletes it (epoch ms)
 */
public record FileRecord(String name, String ownerFingerprint, String keyFingerprint, String displayName,
                         String mimeType, Long sizeBytes, String state, String uri, long createdAtMs, long expiresAtMs) {

    /** The same record with another state. */
    public FileRecord withState(String newState) {
        return new FileRecord(name, ownerFingerprint, keyFingerprint, displayName, mimeType, sizeBytes, newState, uri,
                createdAtMs, expiresAtMs);
    }
}
