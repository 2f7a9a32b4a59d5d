package dev.caravan.storage;

/**
 * A resumable upload in progress: Caravan's opaque upload id, mapped to Google's session and the key that opened it.
 *
 * @param uploadId         the id Caravan put in the client's X-Goog-Upload-URL (a random secret, not Google's)
 * @param ownerFingerprint the fingerprint of the client token that started the upload; only it may continue it
 * @param keyFingerprint   the key every chunk must go with (the session lives in that key's project)
 * @param googleQuery      the query of Google's upload URL, sent with every chunk under the upload path
 * @param displayName      the client's name for the file, or null
 * @param mimeType         X-Goog-Upload-Header-Content-Type, or null
 * @param sizeBytes        X-Goog-Upload-Header-Content-Length, or null
 * @param createdAtMs      when the upload started
 * @param expiresAtMs      when Caravan forgets it
 */
public record UploadSession(String uploadId, String ownerFingerprint, String keyFingerprint, String googleQuery,
                            String displayName, String mimeType, Long sizeBytes, long createdAtMs, long expiresAtMs) {
}
