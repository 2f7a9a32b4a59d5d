package dev.caravan.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Turns a secret (pool key or client token) into something safe to log, store or show. The fingerprint is a
 * truncated SHA-256, stable across restarts so log rows and key state can be joined; the mask shows a person
 * enough of the key to recognise it in their own records. Stateless and thread-safe.
 */
public final class KeyFingerprint {

    private KeyFingerprint() {
    }

    /** Ten hex digits of SHA-256: 40 bits keep collisions unlikely even across 10,000 keys. */
    public static String of(String secret) {
        return ofDigest(sha256(secret));
    }

    /** The fingerprint of a secret whose SHA-256 was already computed (saves hashing it twice). */
    public static String ofDigest(byte[] sha256) {
        return HexFormat.of().formatHex(sha256, 0, 5);
    }

    /** First four and last four characters, for a human; never enough to use the key. */
    public static String mask(String secret) {
        if (secret.length() <= 12) {
            return "…" + of(secret);
        }
        return secret.substring(0, 4) + "…" + secret.substring(secret.length() - 4);
    }

    /** SHA-256 of the UTF-8 bytes. */
    public static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
