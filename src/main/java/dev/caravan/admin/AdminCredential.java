package dev.caravan.admin;

import java.security.MessageDigest;

import dev.caravan.keys.KeyFingerprint;

/**
 * The admin token (AUTH_TOKEN), kept only as its SHA-256 digest and compared in constant time. An operator may
 * change it at runtime; the next check uses the new one. Thread-safe.
 */
public final class AdminCredential {

    private volatile byte[] digest;
    private volatile String token;

    public AdminCredential(String token) {
        update(token);
    }

    /** Whether {@code presented} is the admin token; time independent of how close it is. */
    public boolean matches(String presented) {
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(digest, KeyFingerprint.sha256(presented));
    }

    public void update(String newToken) {
        if (newToken == null || newToken.isEmpty()) {
            throw new IllegalArgumentException("the admin token cannot be empty");
        }
        this.digest = KeyFingerprint.sha256(newToken);
        this.token = newToken;
    }

    /** The token itself: only for the client token list and the log redactor, never for an answer or a log. */
    public String token() {
        return token;
    }
}
