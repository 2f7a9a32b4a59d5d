package dev.caravan.dialect.openai;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.dialect.IncomingRequest;
import dev.caravan.upstream.RequestContext;
import dev.caravan.upstream.UpstreamReply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * {@code POST /v1/images/generations}: one Imagen {@code :predict} call, or one Gemini call per image for image
 * models that make one at a time. The route loops over {@link #nextCall} while {@link #MORE} is true; each call
 * gets a fresh request context so that each may fail over on its own. Thread-safe.
 */
public final class OpenAiImagesStep {

    /** The exchange property the route's loop reads: whether another upstream call is due. */
    public static final String MORE = "caravanMoreImages";
    private static final String STATE = "caravanOpenAiImages";

    private final ObjectMapper json;
    private final OpenAiImages images;

    /** What one images request has gathered so far. */
    private static final class State {
        final GeminiImageRequest request;
        final Buffer body;
        final List<JsonNode> replies = new ArrayList<>();
        final io.vertx.core.http.HttpServerResponse clientResponse;

        State(GeminiImageRequest request, Buffer body, io.vertx.core.http.HttpServerResponse clientResponse) {
            this.request = request;
            this.body = body;
            this.clientResponse = clientResponse;
        }
    }

    public OpenAiImagesStep(ObjectMapper json, OpenAiImages images) {
        this.json = json;
        this.images = images;
    }

    public void prepare(Exchange exchange) throws Exception {
        IncomingRequest.open(exchange, "openai");
        IncomingRequest.requireMethod(exchange.getMessage(), HttpMethod.POST);
        GeminiImageRequest request = images.toGemini(IncomingRequest.jsonObject(json, exchange.getMessage()));
        var out = exchange.getMessage() instanceof HttpMessage http ? http.getResponse() : null;
        exchange.setProperty(STATE, new State(request, Buffer.buffer(json.writeValueAsBytes(request.body())), out));
        exchange.setProperty(MORE, true);
    }

    /** Sets up the next upstream call. */
    public void nextCall(Exchange exchange) {
        State s = exchange.getProperty(STATE, State.class);
        RequestContext ctx = new RequestContext("openai");
        RequestContext previous = exchange.getProperty(RequestContext.PROPERTY, RequestContext.class);
        if (previous != null) {
            // the request log shows every call's attempts, not only the last call's
            ctx.attemptLog().addAll(previous.attemptLog());
        }
        ctx.clientResponse(s.clientResponse);
        ctx.target(s.request.requestedModel(), HttpMethod.POST, s.request.path(), null, s.body);
        exchange.setProperty(RequestContext.PROPERTY, ctx);
    }

    /** Keeps a successful answer; stops the loop on an error (already rendered) or when all images are in. */
    public void collect(Exchange exchange) throws Exception {
        State s = exchange.getProperty(STATE, State.class);
        RequestContext ctx = RequestContext.of(exchange);
        if (!OpenAiReplies.isWholeSuccess(ctx)) {
            exchange.setProperty(MORE, false);
            return;
        }
        s.replies.add(json.readTree(ctx.result().body().getBytes()));
        exchange.setProperty(MORE, s.replies.size() < s.request.calls());
    }

    /** Answers with every image gathered, unless a call failed and its error is the answer. */
    public void answer(Exchange exchange) throws Exception {
        State s = exchange.getProperty(STATE, State.class);
        if (s.replies.size() < s.request.calls()) {
            return;
        }
        byte[] body = json.writeValueAsBytes(images.toOpenAi(s.replies, s.request));
        UpstreamReply.reply(exchange.getMessage(), 200, OpenAiReplies.JSON, Buffer.buffer(body));
    }
}
