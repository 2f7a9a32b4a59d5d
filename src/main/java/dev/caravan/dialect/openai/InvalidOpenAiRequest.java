package dev.caravan.dialect.openai;

/**
 * An OpenAI-dialect request that cannot be translated because the client sent something malformed; the route layer
 * answers it with 400 and {@code invalid_request_error}. Immutable; safe to share between threads.
 */
public final class InvalidOpenAiRequest extends RuntimeException {

    private final String param;

    public InvalidOpenAiRequest(String message) {
        this(message, null);
    }

    /**
     * @param param the offending request field as OpenAI names it in its error's {@code param}, e.g.
     *              {@code messages[2].role}; may be null
     */
    public InvalidOpenAiRequest(String message, String param) {
        super(message, null, false, false);
        this.param = param;
    }

    /** The offending field, or null when the whole body is at fault. */
    public String param() {
        return param;
    }
}
