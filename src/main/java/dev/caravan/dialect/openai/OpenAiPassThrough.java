package dev.caravan.dialect.openai;

import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.errors.ClientError;
import dev.caravan.dialect.IncomingRequest;
import dev.caravan.upstream.StreamShaper;
import dev.caravan.upstream.StreamTranslation;
import dev.caravan.upstream.Upstream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code /openai/v1/…}: forwards to Google's own OpenAI-compatible surface ({@code {BASE_URL}/openai/…}) with the
 * client's body verbatim and a pool key as Bearer, through the same key pool and failover as every call. Only what
 * {@link PassThroughPaths} allows passes; the rest is a 404, as for a path Caravan does not serve. Thread-safe.
 */
public final class OpenAiPassThrough implements Processor {

    private static final String PREFIX = "/openai/v1/";
    /** Segments as OpenAI's paths spell them; none starts with a dot, so none can climb out of /openai/. */
    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*");

    private final ObjectMapper json;
    private final PassThroughPaths allowed;

    public OpenAiPassThrough(ObjectMapper json, PassThroughPaths allowed) {
        this.json = json;
        this.allowed = allowed;
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getMessage();
        String path = in.getHeader(Exchange.HTTP_PATH, String.class);
        if (path == null || !path.startsWith(PREFIX) || !PATH.matcher(path.substring(PREFIX.length())).matches()) {
            throw new ClientError(404, "NOT_FOUND", "No such endpoint");
        }
        String below = path.substring(PREFIX.length());
        HttpMethod method = IncomingRequest.method(in);
        if (!allowed.allows(method.name(), below)) {
            // as OpenAI words an unknown endpoint; the path matched the plain segments above, so it is safe to echo
            throw new ClientError(404, "NOT_FOUND", "Invalid URL (" + method.name() + " " + path + ")");
        }
        String upstreamPath = "/openai/" + below;
        if (method == HttpMethod.GET) {
            Upstream.call(in, null, "GET", upstreamPath, null);
            return;
        }
        IncomingRequest.requireMethod(in, HttpMethod.POST);
        ObjectNode body = IncomingRequest.jsonObject(json, in);
        // the body goes to Google as it is, but its model also keys the pool's cool-downs, the metrics and the log
        String requested = Json.text(body, "model", "model");
        String model = requested == null ? null : ModelParam.id(requested);
        Upstream.call(in, model, "POST", upstreamPath, null);
        if (body.path("stream").asBoolean(false)) {
            in.setHeader(Upstream.STREAM, Boolean.TRUE);
        }
    }

    /**
     * The {@code openAiPassThroughStream} translation: Google's OpenAI stream as it comes; a break after the first
     * byte ends with an OpenAI error chunk; SSE comments are its heartbeat while no event has come yet.
     */
    public static final StreamTranslation STREAM = exchange -> StreamShaper.passThrough((code, status, message) ->
            Buffer.buffer("data: " + OpenAiErrorBody.json(code, message) + "\n\n" + OpenAiStreamTranslator.DONE),
            StreamShaper.SSE_COMMENT);
}
