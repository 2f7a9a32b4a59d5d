package dev.caravan.dialect;

import dev.caravan.errors.GoogleErrors;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import dev.caravan.upstream.StreamShaper;
import dev.caravan.upstream.StreamTranslation;
import dev.caravan.upstream.Upstream;
import io.vertx.core.buffer.Buffer;

/**
 * Google's stream passed on byte for byte; a break after the first byte ends it with an error in Google's shape:
 * an SSE event, or the last element of the streamed JSON array. It also notices when Google itself ends a stream
 * with an error event, so that the key gets its strike although the connection closed cleanly. One per stream;
 * not thread-safe (the relay calls it one chunk at a time).
 */
public final class GeminiStreamShaper implements StreamShaper {

    /** An SSE event whose JSON starts with an "error" member: inside strings quotes are escaped, so no text matches. */
    private static final Pattern SSE_ERROR = Pattern.compile("(?m)^data:\\s*\\{\\s*\"error\"\\s*:");
    /** A top-level element of the streamed array that is an error (elements are separated by ",\r\n"). */
    private static final Pattern ARRAY_ERROR = Pattern.compile("(?:^\\[|,\\r\\n)\\s*\\{\\s*\"error\"\\s*:");
    /** Enough of the previous chunk to find a marker split between two chunks. */
    private static final int CARRY = 48;

    private final boolean sse;
    private String carry = "";
    private String failure;

    private GeminiStreamShaper(boolean sse) {
        this.sse = sse;
    }

    /**
     * The {@code geminiStream} translation: Google's events as they come, SSE when the call asks for
     * {@code alt=sse}, otherwise Google's streamed JSON array.
     */
    public static final StreamTranslation TRANSLATION = exchange -> {
        String query = exchange.getMessage().getHeader(Upstream.QUERY, String.class);
        return query != null && query.contains("alt=sse") ? sse() : jsonArray();
    };

    /** For {@code ?alt=sse}. */
    public static GeminiStreamShaper sse() {
        return new GeminiStreamShaper(true);
    }

    /** For Google's streamed JSON array. */
    public static GeminiStreamShaper jsonArray() {
        return new GeminiStreamShaper(false);
    }

    @Override
    public String contentType(String upstreamContentType) {
        return upstreamContentType;
    }

    @Override
    public Buffer chunk(Buffer upstream) {
        if (failure == null) {
            // ISO-8859-1 maps bytes one to one: the markers are ASCII, and nothing is decoded for nothing
            String text = carry + upstream.toString(StandardCharsets.ISO_8859_1);
            if ((sse ? SSE_ERROR : ARRAY_ERROR).matcher(text).find()) {
                failure = "Google ended the stream with an error event";
            }
            carry = text.length() > CARRY ? text.substring(text.length() - CARRY) : text;
        }
        return upstream;
    }

    @Override
    public Buffer end() {
        return Buffer.buffer(0);
    }

    @Override
    public Buffer error(int code, String googleStatus, String message) {
        return GoogleErrors.streamErrorTail(sse, code, googleStatus, message);
    }

    /** Blank lines for SSE (Google's Python SDK fails on comment lines); none for the JSON array. */
    @Override
    public String heartbeat() {
        return sse ? SSE_BLANK_EVENT : null;
    }

    @Override
    public String failure() {
        return failure;
    }
}
