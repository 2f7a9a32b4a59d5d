package dev.caravan.admin;

/**
 * An admin API call refused or failed for a reason the caller can act on: the HTTP status and a sentence for a
 * person. Rendered once by {@link AdminErrors} as {@code {"error":{"code","message"}}}. Never carries a secret.
 */
public final class AdminError extends RuntimeException {

    private final int status;
    private final long retryAfterSeconds;
    private final transient Object details;

    public AdminError(int status, String message) {
        this(status, message, 0, null);
    }

    private AdminError(int status, String message, long retryAfterSeconds, Object details) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
        this.details = details;
    }

    /** 429 with a Retry-After. */
    public static AdminError tooMany(String message, long retryAfterSeconds) {
        return new AdminError(429, message, Math.max(1, retryAfterSeconds), null);
    }

    /** 400 with a message per field (settings validation). */
    public static AdminError invalidFields(String message, Object fieldErrors) {
        return new AdminError(400, message, 0, fieldErrors);
    }

    public static AdminError badRequest(String message) {
        return new AdminError(400, message);
    }

    public int status() {
        return status;
    }

    /** Seconds for Retry-After, or 0. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Extra JSON for the error body (a map of field → message), or null. */
    public Object details() {
        return details;
    }
}
