package dev.caravan.dialect.openai;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.dialect.IncomingRequest;
import dev.caravan.upstream.Upstream;
import dev.caravan.upstream.UpstreamReply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import org.apache.camel.Exchange;

/**
 * {@code POST /v1/images/generations}: one Imagen {@code :predict} call, or one Gemini call per image for image
 * models that make one at a time. The route loops over {@link #nextCall} while {@link #more} is true; each call
 * goes through direct:upstream-call on its own, so that each may fail over on its own. Thread-safe.
 */
public final class OpenAiImagesStep {

    private static final String STATE = "caravanOpenAiImages";

    private final ObjectMapper json;
    private final OpenAiImages images;

    /** What one images request has gathered so far. */
    private static final class State {
        final GeminiImageRequest request;
        final Buffer body;
        final List<JsonNode> replies = new ArrayList<>();
        boolean more = true;

        State(GeminiImageRequest request, Buffer body) {
            this.request = request;
            this.body = body;
        }
    }

    public OpenAiImagesStep(ObjectMapper json, OpenAiImages images) {
        this.json = json;
        this.images = images;
    }

    public void prepare(Exchange exchange) throws Exception {
        IncomingRequest.requireMethod(exchange.getMessage(), HttpMethod.POST);
        GeminiImageRequest request = images.toGemini(IncomingRequest.jsonObject(json, exchange.getMessage()));
        exchange.setProperty(STATE, new State(request, Buffer.buffer(json.writeValueAsBytes(request.body()))));
        // b64_json asks for the bytes: UPLOAD_PROVIDER's host is skipped (a route of the operator's still runs)
        exchange.setProperty(dev.caravan.dialect.GeneratedImages.KEEP_INLINE, !request.urls());
    }

    /** Whether another upstream call is due: the route's loop asks before each. */
    public boolean more(Exchange exchange) {
        return exchange.getProperty(STATE, State.class).more;
    }

    /** Sets up the next upstream call. */
    public void nextCall(Exchange exchange) {
        State s = exchange.getProperty(STATE, State.class);
        Upstream.call(exchange.getMessage(), s.request.requestedModel(), "POST", s.request.path(), null);
        exchange.getMessage().setBody(s.body);
    }

    /** Keeps a successful answer; stops the loop on an error (already rendered) or when all images are in. */
    public void collect(Exchange exchange) throws Exception {
        State s = exchange.getProperty(STATE, State.class);
        if (!OpenAiReplies.isWholeSuccess(exchange.getMessage())) {
            s.more = false;
            return;
        }
        s.replies.add(json.readTree(OpenAiReplies.bytes(exchange.getMessage())));
        s.more = s.replies.size() < s.request.calls();
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
