package dev.caravan.errors;

/**
 * A request the gateway refuses before anything goes upstream, with the HTTP status and Google's status word.
 * Each dialect's error step renders it in its own envelope.
 */
public final class ClientError extends RuntimeException {

    private final int httpStatus;
    private final String status;

    public ClientError(int httpStatus, String status, String message) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
        this.status = status;
    }

    /** A 400 for the client's mistake: the form a route's {@code throwException} in YAML uses. */
    public ClientError(String message) {
        this(400, "INVALID_ARGUMENT", message);
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Google's canonical status, e.g. {@code INVALID_ARGUMENT}. */
    public String status() {
        return status;
    }

    public static ClientError badRequest(String message) {
        return new ClientError(400, "INVALID_ARGUMENT", message);
    }
}
