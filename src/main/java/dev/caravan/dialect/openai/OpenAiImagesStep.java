package dev.caravan.dialect.openai;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.dialect.IncomingRequest;
import dev.caravan.http.BufferJson;
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

    /** The route's sentence that tells the image model what a mask means (routes/image-edits.camel.yaml). */
    public static final String MASK_NOTE = "CaravanImageMaskNote";

    private final ObjectMapper json;
    private final OpenAiImages images;
    private final dev.caravan.http.MultipartBody forms;
    private final ImageEditForm editForm;

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
        this(json, images, new dev.caravan.http.MultipartBody(20L << 20), new ImageEditForm(ImageEditForm.OPENAI_MAX_IMAGES));
    }

    /** @param forms reads an edit's multipart body within MAX_BODY_SIZE */
    public OpenAiImagesStep(ObjectMapper json, OpenAiImages images, dev.caravan.http.MultipartBody forms,
                            ImageEditForm editForm) {
        this.json = json;
        this.images = images;
        this.forms = forms;
        this.editForm = editForm;
    }

    public void prepare(Exchange exchange) throws Exception {
        IncomingRequest.requireMethod(exchange.getMessage(), HttpMethod.POST);
        GeminiImageRequest request = images.toGemini(IncomingRequest.jsonObject(json, exchange.getMessage()));
        exchange.setProperty(STATE, new State(request, BufferJson.write(json, request.body())));
        // b64_json asks for the bytes: UPLOAD_PROVIDER's host is skipped (a route of the operator's still runs)
        exchange.setProperty(dev.caravan.dialect.GeneratedImages.KEEP_INLINE, !request.urls());
    }

    /**
     * {@code POST /v1/images/edits}: the multipart form's prompt and images as Gemini calls, then the same loop as a
     * generation ({@link #nextCall}, {@link #collect}, {@link #answer}).
     */
    public void prepareEdit(Exchange exchange) throws Exception {
        IncomingRequest.requireMethod(exchange.getMessage(), HttpMethod.POST);
        // the endpoint left the body unread (readBody: false): the client's request itself
        io.vertx.core.http.HttpServerRequest request =
                exchange.getMessage().getBody(io.vertx.core.http.HttpServerRequest.class);
        ImageEdit edit = editForm.read(forms.read(request));
        GeminiImageRequest call = images.toGeminiEdit(edit, exchange.getMessage().getHeader(MASK_NOTE, String.class));
        // the form's fields came in as headers too: none goes further
        exchange.getMessage().getHeaders().clear();
        exchange.setProperty(STATE, new State(call, BufferJson.write(json, call.body())));
        exchange.setProperty(dev.caravan.dialect.GeneratedImages.KEEP_INLINE, !call.urls());
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
        s.replies.add(OpenAiReplies.googleAnswer(json, exchange.getMessage()));
        s.more = s.replies.size() < s.request.calls();
    }

    /** Answers with every image gathered, unless a call failed and its error is the answer. */
    public void answer(Exchange exchange) throws Exception {
        State s = exchange.getProperty(STATE, State.class);
        if (s.replies.size() < s.request.calls()) {
            return;
        }
        byte[] body = json.writeValueAsBytes(images.toOpenAi(s.replies, s.request));
        UpstreamReply.reply(exchange.getMessage(), 200, OpenAiReplies.JSON, BufferJson.wrap(body));
    }
}
