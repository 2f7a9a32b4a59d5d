package dev.caravan.dialect;

import dev.caravan.errors.ClientError;
import dev.caravan.errors.GoogleErrors;

/**
 * How one API surface words its errors: the gateway's own, and Google's as that surface's clients expect them.
 * Implementations are stateless and thread-safe.
 */
public interface ErrorDialect {

    /**
     * An error of the gateway's own.
     *
     * @param httpStatus   the HTTP status the client gets
     * @param googleStatus Google's canonical status word ({@code RESOURCE_EXHAUSTED}, ...)
     */
    String render(int httpStatus, String googleStatus, String message);

    /** A refused request, in this surface's words (the offending field too, where the surface names it). */
    default String render(ClientError refusal) {
        return render(refusal.httpStatus(), refusal.status(), refusal.getMessage());
    }

    /** Google's error answer as this surface's clients should read it; null to pass Google's bytes unchanged. */
    String fromGoogle(int httpStatus, byte[] googleBody);

    /** Google's own envelope, passed through unchanged: what Gemini clients expect. */
    ErrorDialect GEMINI = new ErrorDialect() {
        @Override
        public String render(int httpStatus, String googleStatus, String message) {
            return GoogleErrors.body(httpStatus, googleStatus, message);
        }

        @Override
        public String fromGoogle(int httpStatus, byte[] googleBody) {
            return null;
        }
    };
}
