package dev.caravan.errors;

/**
 * A request the gateway refuses before anything goes upstream, with the HTTP status and Google's status word.
 * Each dialect's error step renders it in its own envelope.
 */
public class ClientError extends RuntimeException {

    private final int httpStatus;
    private final String status;
    private final String param;
    private final long retryAfterSeconds;

    public ClientError(int httpStatus, String status, String message) {
        this(httpStatus, status, message, null, null);
    }

    /**
     * @param param the offending request field as the client's API names it (OpenAI's error {@code param}), or null
     * @param cause what went wrong underneath, for the log only; may be null
     */
    protected ClientError(int httpStatus, String status, String message, String param, Throwable cause) {
        this(httpStatus, status, message, param, cause, 0);
    }

    private ClientError(int httpStatus, String status, String message, String param, Throwable cause,
                        long retryAfterSeconds) {
        super(message, cause, false, false);
        this.httpStatus = httpStatus;
        this.status = status;
        this.param = param;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A 429 whose answer carries {@code Retry-After: seconds} (at least 1). */
    public static ClientError tooManyRequests(String message, long retryAfterSeconds) {
        return new ClientError(429, "RESOURCE_EXHAUSTED", message, null, null, Math.max(1, retryAfterSeconds));
    }

    /** A 400 for the client's mistake: the form a route's {@code throwException} in YAML uses. */
    public ClientError(String message) {
        this(400, "INVALID_ARGUMENT", message);
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The offending request field, or null when the whole request is at fault. */
    public String param() {
        return param;
    }

    /** Seconds the client should wait before trying again (the answer's Retry-After), or 0 when it need not. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Google's canonical status, e.g. {@code INVALID_ARGUMENT}. */
    public String status() {
        return status;
    }

    public static ClientError badRequest(String message) {
        return new ClientError(400, "INVALID_ARGUMENT", message);
    }
}
