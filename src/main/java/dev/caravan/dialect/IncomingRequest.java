package dev.caravan.dialect;

import dev.caravan.errors.ClientError;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.http.BufferJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** What every surface does first with a client request: check the method, read its JSON. */
public final class IncomingRequest {

    private IncomingRequest() {
    }

    public static HttpMethod method(Message in) {
        return HttpMethod.valueOf(in.getHeader(Exchange.HTTP_METHOD, "GET", String.class));
    }

    /** 405 unless the client used {@code expected}. */
    public static void requireMethod(Message in, HttpMethod expected) {
        HttpMethod actual = method(in);
        if (!actual.equals(expected)) {
            throw new ClientError(405, "METHOD_NOT_ALLOWED", "Method " + actual + " is not allowed here; use " + expected);
        }
    }

    /** The body as a JSON object; 400 when it is missing, malformed or not an object. */
    public static ObjectNode jsonObject(ObjectMapper json, Message in) {
        Buffer body = in.getBody(Buffer.class);
        if (body == null || body.length() == 0) {
            throw ClientError.badRequest("The request body must be a JSON object");
        }
        JsonNode node;
        try {
            node = BufferJson.tree(json, body);
        } catch (Exception e) {
            String m = e.getMessage() == null ? "malformed" : e.getMessage();
            int nl = m.indexOf('\n');
            throw ClientError.badRequest("Invalid JSON payload: " + (nl < 0 ? m : m.substring(0, nl)));
        }
        if (!(node instanceof ObjectNode object)) {
            throw ClientError.badRequest("The request body must be a JSON object");
        }
        return object;
    }
}
