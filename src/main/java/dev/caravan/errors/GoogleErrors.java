package dev.caravan.errors;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vertx.core.buffer.Buffer;

/** Google's error envelope {@code {"error":{"code","message","status"}}}, as text. Stateless; thread-safe. */
public final class GoogleErrors {

    private GoogleErrors() {
    }

    public static String body(int code, String status, String message) {
        return "{\"error\":{\"code\":" + code + ",\"message\":\"" + escape(message) + "\",\"status\":\"" + status + "\"}}";
    }

    /**
     * What ends a stream that broke after bytes reached the client: an SSE event, or the last element of the
     * streamed JSON array (which then closes the array).
     */
    public static Buffer streamErrorTail(boolean sse, int code, String status, String message) {
        String error = body(code, status, message);
        return Buffer.buffer(sse ? "data: " + error + "\r\n\r\n" : ",\r\n" + error + "]");
    }

    static String escape(String s) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(s == null ? "" : s));
    }
}
