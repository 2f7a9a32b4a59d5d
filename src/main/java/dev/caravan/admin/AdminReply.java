package dev.caravan.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * Writes an admin answer: nothing of the request's headers (platform-http would echo them, the session cookie
 * and the Authorization header included), the body, and the headers that keep a browser from caching, sniffing
 * or framing it. Stateless; thread-safe.
 */
public final class AdminReply {

    static final String JSON = "application/json; charset=UTF-8";
    /** The page runs only its own script and style, from its own origin; nothing may frame it. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private AdminReply() {
    }

    /** Answers {@code body} as JSON with {@code status}. */
    /**
     * The request's body as a JSON object, or a 400 in the admin API's shape: {@code hint} when the body is empty or
     * not an object (it tells the caller what to send), "Malformed JSON" when it does not parse.
     */
    public static com.fasterxml.jackson.databind.JsonNode jsonObject(Exchange exchange, ObjectMapper json, String hint) {
        String text = exchange.getMessage().getBody(String.class);
        com.fasterxml.jackson.databind.JsonNode n;
        try {
            n = text == null || text.isBlank() ? null : json.readTree(text);
        } catch (Exception e) {
            throw AdminError.badRequest("Malformed JSON");
        }
        if (n == null || !n.isObject()) {
            throw AdminError.badRequest(hint);
        }
        return n;
    }

    public static void json(Exchange exchange, ObjectMapper json, int status, Object body) {
        try {
            reply(exchange.getMessage(), status, JSON, json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render an admin answer", e);
        }
    }

    /** Clears every header, then sets the status, the content type and the safety headers; never cached. */
    public static void reply(Message msg, int status, String contentType, Object body) {
        reply(msg, status, contentType, body, "no-store");
    }

    /** The same with the given Cache-Control. */
    public static void reply(Message msg, int status, String contentType, Object body, String cacheControl) {
        msg.getHeaders().clear();
        msg.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        msg.setHeader(Exchange.CONTENT_TYPE, contentType);
        // platform-http's header filter drops Cache-Control from the message: it goes on the response itself
        if (msg instanceof HttpMessage http && http.getResponse() != null && !http.getResponse().headWritten()) {
            http.getResponse().headers().set("Cache-Control", cacheControl);
        }
        msg.setHeader("X-Content-Type-Options", "nosniff");
        msg.setHeader("X-Frame-Options", "DENY");
        msg.setHeader("Referrer-Policy", "no-referrer");
        msg.setHeader("Content-Security-Policy", CSP);
        msg.setBody(body);
    }
}
