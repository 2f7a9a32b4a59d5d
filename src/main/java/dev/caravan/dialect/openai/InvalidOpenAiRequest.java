package dev.caravan.dialect.openai;

import dev.caravan.errors.ClientError;

/**
 * An OpenAI-dialect request that cannot be translated because the client sent something malformed; the route layer
 * answers it with 400 and {@code invalid_request_error}. Immutable; safe to share between threads.
 */
public final class InvalidOpenAiRequest extends ClientError {

    public InvalidOpenAiRequest(String message) {
        this(message, null);
    }

    /**
     * @param param the offending request field as OpenAI names it in its error's {@code param}, e.g.
     *              {@code messages[2].role}; may be null
     */
    public InvalidOpenAiRequest(String message, String param) {
        super(400, "INVALID_ARGUMENT", message, param, null);
    }
}
