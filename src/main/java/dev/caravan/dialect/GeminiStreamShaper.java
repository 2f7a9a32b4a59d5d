package dev.caravan.dialect;

import dev.caravan.upstream.StreamShaper;

/**
 * Google's stream passed on byte for byte; a break after the first byte ends it with an error in Google's shape:
 * an SSE event, or the last element of the streamed JSON array. Stateless; one instance per kind is shared.
 */
public final class GeminiStreamShaper {

    public static final StreamShaper SSE =
            StreamShaper.passThrough((code, status, message) -> GoogleErrors.streamErrorTail(true, code, status, message));
    public static final StreamShaper JSON_ARRAY =
            StreamShaper.passThrough((code, status, message) -> GoogleErrors.streamErrorTail(false, code, status, message));

    private GeminiStreamShaper() {
    }
}
