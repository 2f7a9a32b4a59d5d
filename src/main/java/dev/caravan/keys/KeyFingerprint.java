package dev.caravan.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a secret (pool key or client token) into something safe to log, store or show. The fingerprint is an
 * HMAC-SHA-256 of the secret under the installation's own secret (kept in the database, made at first start), cut
 * to {@value #HEX_DIGITS} hex digits (64 bits): without the installation's secret a fingerprint cannot be checked
 * against guesses, so a short token no longer comes back from its fingerprint, and 64 bits keep collisions out of
 * reach for any pool. It is stable across restarts and the same on every replica of one database, so log rows and
 * key state can be joined. The mask shows a person enough of a key to recognise it in their own records.
 * Thread-safe: each thread keeps its own {@link Mac}.
 */
public final class KeyFingerprint {

    /** Hex digits shown: 64 bits, which the 16-character fingerprint columns of the schema hold. */
    public static final int HEX_DIGITS = 16;
    /** Hex digits of the unkeyed SHA-256 fingerprints of Caravan before keyed ones (only to re-key old rows). */
    public static final int LEGACY_HEX_DIGITS = 10;
    /** The least installation secret accepted, in bytes: as long as the HMAC's output. */
    public static final int MIN_SECRET_BYTES = 32;
    private static final String HMAC = "HmacSHA256";

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;
    /** Bytes put before every secret: empty for the installation's own names, a pool's name for another pool's. */
    private final byte[] domain;

    /** @param installationSecret at least {@value #MIN_SECRET_BYTES} random bytes, the same for one installation */
    public KeyFingerprint(byte[] installationSecret) {
        if (installationSecret == null || installationSecret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the fingerprint secret needs at least " + MIN_SECRET_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(installationSecret.clone(), HMAC);
        this.domain = new byte[0];
        this.macs = ThreadLocal.withInitial(this::newMac);
        newMac();
    }

    private KeyFingerprint(SecretKeySpec key, byte[] domain) {
        this.key = key;
        this.domain = domain;
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /**
     * The fingerprints of another key pool (e.g. "vertex"): the same installation secret, with the pool's name put
     * before each key, so the pool's rows in key_state and the logs never share a name with the Gemini pool's, even
     * for one key listed in both.
     */
    public KeyFingerprint forPool(String pool) {
        return new KeyFingerprint(key, (pool + "\0").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Fingerprints under a secret of their own that nothing keeps: for a pool or a verifier made without a database
     * (unit tests, benchmarks), whose fingerprints need not survive the process.
     */
    public static KeyFingerprint ephemeral() {
        byte[] secret = new byte[MIN_SECRET_BYTES];
        new SecureRandom().nextBytes(secret);
        return new KeyFingerprint(secret);
    }

    /** The fingerprint of {@code secret}: {@value #HEX_DIGITS} hex digits. */
    public String of(String secret) {
        return ofMac(mac(secret));
    }

    /** The whole HMAC of {@code secret} (32 bytes): what secrets are compared by, in constant time. */
    public byte[] mac(String secret) {
        Mac mac = macs.get();
        if (domain.length > 0) {
            mac.update(domain);
        }
        return mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** The fingerprint of a secret whose {@link #mac} was already computed (saves computing it twice). */
    public static String ofMac(byte[] mac) {
        return HexFormat.of().formatHex(mac, 0, HEX_DIGITS / 2);
    }

    /** First four and last four characters, for a human; never enough to use the key. */
    public String mask(String secret) {
        if (secret.length() <= 12) {
            return "…" + of(secret);
        }
        return secret.substring(0, 4) + "…" + secret.substring(secret.length() - 4);
    }

    /**
     * The unkeyed fingerprint Caravan stored before fingerprints were keyed (ten hex digits of SHA-256): only to find
     * and re-key the rows that still carry one.
     */
    public static String legacy(String secret) {
        return HexFormat.of().formatHex(sha256(secret), 0, LEGACY_HEX_DIGITS / 2);
    }

    /** SHA-256 of the UTF-8 bytes. */
    public static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is part of every Java runtime", e);
        }
    }
}
