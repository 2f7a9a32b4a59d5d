package dev.caravan.dialect;

import dev.caravan.upstream.StreamShaper;
import io.vertx.core.buffer.Buffer;

/**
 * Google's stream passed on byte for byte; a break after the first byte ends it with an error in Google's shape:
 * an SSE event, or the last element of the streamed JSON array. Stateless; one instance per kind is shared.
 */
public final class GeminiStreamShaper implements StreamShaper {

    public static final GeminiStreamShaper SSE = new GeminiStreamShaper(true);
    public static final GeminiStreamShaper JSON_ARRAY = new GeminiStreamShaper(false);
    private static final Buffer EMPTY = Buffer.buffer(0);

    private final boolean sse;

    private GeminiStreamShaper(boolean sse) {
        this.sse = sse;
    }

    @Override
    public String contentType(String upstreamContentType) {
        return upstreamContentType;
    }

    @Override
    public Buffer chunk(Buffer upstream) {
        return upstream;
    }

    @Override
    public Buffer end() {
        return EMPTY;
    }

    @Override
    public Buffer error(int code, String googleStatus, String message) {
        return GoogleErrors.streamErrorTail(sse, code, googleStatus, message);
    }
}
