package dev.caravan.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Ends a stream whose response head a heartbeat already sent with the contract's error answer as its last event,
 * in the caller's dialect (the stream's shaper words it): once the head is out, a status can no longer say it.
 * The message then tells the routes after it that the answer went out ({@link Upstream#RELAYED}); its status
 * stays the error's, for the request log. Stateless; thread-safe.
 */
public final class InStreamError {

    private final ObjectMapper json;

    public InStreamError(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Writes the error answer in {@code msg} (Google's envelope, as an object or a one-element array, or any body
     * with an error status) as the stream's last event and ends the stream.
     *
     * @param out the client's connection; null when there is none left to write to
     */
    public void end(Message msg, HttpServerResponse out, StreamShaper shaper) {
        Integer status = msg.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        int code = status == null || status < 400 ? 502 : status;
        String googleStatus = null;
        String message = null;
        byte[] body = Upstream.bodyBytes(msg);
        if (body != null && body.length > 0) {
            try {
                JsonNode root = json.readTree(body);
                if (root != null && root.isArray()) {
                    root = root.path(0);
                }
                JsonNode error = root == null ? null : root.path("error");
                if (error != null && error.isObject()) {
                    googleStatus = error.path("status").asText(null);
                    message = error.path("message").asText(null);
                }
            } catch (Exception notJson) {
                // not Google's envelope: the status alone speaks below
            }
        }
        if (message == null) {
            message = "Google answered HTTP " + code;
        }
        Buffer tail = shaper.error(code, googleStatus != null ? googleStatus : statusWord(code), message);
        if (out != null && !out.ended() && !out.closed()) {
            try {
                out.end(tail);
            } catch (IllegalStateException closedMeanwhile) {
                // the client left while the error was written: nothing more to tell
            }
        }
        msg.setBody(null);
        msg.removeHeader(Exchange.CONTENT_TYPE);
        msg.removeHeader("Retry-After");
        msg.setHeader(Upstream.OUTCOME, Upstream.RELAYED);
    }

    /** Google's status word for an HTTP status the gateway answered without one. */
    static String statusWord(int code) {
        return switch (code) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 500 -> "INTERNAL";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> "UNAVAILABLE";
        };
    }
}
