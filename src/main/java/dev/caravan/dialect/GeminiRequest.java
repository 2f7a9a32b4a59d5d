package dev.caravan.dialect;

import dev.caravan.errors.ClientError;
import dev.caravan.models.ModelName;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.caravan.http.BufferJson;
import dev.caravan.upstream.Upstream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Reads a Gemini-native request ({@code /v1beta/models}, {@code /v1beta/models/{model}},
 * {@code /v1beta/models/{model}:{action}}) into the headers of the upstream contract ({@link Upstream}): what to
 * call, whether to relay a stream; the client's body stays the body, untouched. Refuses malformed input before
 * anything goes upstream. Thread-safe.
 */
public final class GeminiRequest implements Processor {

    /** Longest method name after the colon (generateContent, countTokens, ...): {@link #isAction}. */
    private static final int MAX_ACTION = 64;

    private final JsonFactory json;

    public GeminiRequest(JsonFactory json) {
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getMessage();
        String op = in.getHeader("op", String.class);
        if (op == null) {
            IncomingRequest.requireMethod(in, HttpMethod.GET);
            Upstream.call(in, null, "GET", "/models", listQuery(in));
            return;
        }
        int colon = op.indexOf(':');
        String model = colon < 0 ? op : op.substring(0, colon);
        if (!ModelName.isValid(model)) {
            // the name is not echoed: it may be 64 KB long or hold CR/LF
            throw ClientError.badRequest("Invalid model name: a model id is " + ModelName.RULE);
        }
        if (colon < 0) {
            IncomingRequest.requireMethod(in, HttpMethod.GET);
            Upstream.call(in, model, "GET", "/models/" + model, null);
            return;
        }
        String action = op.substring(colon + 1);
        if (!isAction(action)) {
            throw new ClientError(404, "NOT_FOUND", "Unknown method");
        }
        IncomingRequest.requireMethod(in, HttpMethod.POST);
        Buffer body = in.getBody(Buffer.class);
        requireJsonObject(body);
        boolean stream = "streamGenerateContent".equals(action);
        String alt = in.getHeader("alt", String.class);
        boolean sse = stream && "sse".equals(alt);
        Upstream.call(in, model, "POST", "/models/" + op, sse ? "alt=sse" : null);
        if (stream) {
            in.setHeader(Upstream.STREAM, Boolean.TRUE);
        }
    }

    /** Whether {@code action} is a method name as Google spells them: 1 to 64 ASCII letters (no regex matcher per call). */
    static boolean isAction(String action) {
        if (action.isEmpty() || action.length() > MAX_ACTION) {
            return false;
        }
        for (int i = 0; i < action.length(); i++) {
            char c = action.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')) {
                return false;
            }
        }
        return true;
    }

    private static String listQuery(Message in) {
        StringBuilder q = new StringBuilder();
        appendParam(q, "pageSize", in.getHeader("pageSize", String.class));
        appendParam(q, "pageToken", in.getHeader("pageToken", String.class));
        return q.isEmpty() ? null : q.toString();
    }

    private static void appendParam(StringBuilder q, String name, String value) {
        if (value != null && !value.isEmpty()) {
            if (!q.isEmpty()) {
                q.append('&');
            }
            q.append(name).append('=').append(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** Checks that the body is one well-formed JSON object, without building a tree of it. */
    private void requireJsonObject(Buffer body) {
        if (body == null || body.length() == 0) {
            throw ClientError.badRequest("The request body must be a JSON object");
        }
        try (JsonParser p = BufferJson.parser(json, body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw ClientError.badRequest("The request body must be a JSON object");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw ClientError.badRequest("Unexpected content after the JSON object");
            }
        } catch (ClientError e) {
            throw e;
        } catch (Exception e) {
            throw ClientError.badRequest("Invalid JSON payload: " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "malformed";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
