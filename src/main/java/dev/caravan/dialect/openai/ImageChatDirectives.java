package dev.caravan.dialect.openai;

import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.dialect.FakeStream;
import dev.caravan.http.BufferJson;
import dev.caravan.upstream.Upstream;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import dev.caravan.http.CompactJsonNodes;

/**
 * gemini-balance's prompt directives on the image chat model ({@code <CREATE_IMAGE_MODEL>-chat}), read from the text
 * of the last user message and taken out of it: {@code {ratio:W:H}} becomes {@code imageConfig.aspectRatio} (a ratio
 * the model does not make is a 400), and {@code {n:K}} (1 to 10) asks for K images. A Gemini image model makes one
 * image per answer, so K images are K whole calls, each with its own failover, whose parts are put together into one
 * answer (one message with every image, as gemini-balance answers); the first failure is the answer. A stream asking
 * for K > 1 images is served as a fake stream (heartbeats while the calls run, then the whole answer), since K streams
 * cannot be one. Other models' messages are left alone. Thread-safe.
 */
public final class ImageChatDirectives {

    private static final JsonNodeFactory NODES = CompactJsonNodes.INSTANCE;
    private static final String STATE = "caravanImageChatCalls";

    private final ObjectMapper json;
    private final Supplier<String> createImageModel;

    /** The K calls of one request: what each repeats, and the answer put together so far. */
    private static final class State {
        final int calls;
        final String model;
        final Buffer body;
        final String keyPin;
        int answered;
        boolean failed;
        ObjectNode merged;

        State(int calls, String model, Buffer body, String keyPin) {
            this.calls = calls;
            this.model = model;
            this.body = body;
            this.keyPin = keyPin;
        }
    }

    /** @param createImageModel CREATE_IMAGE_MODEL in force (the admin page may change it) */
    public ImageChatDirectives(ObjectMapper json, Supplier<String> createImageModel) {
        this.json = json;
        this.createImageModel = createImageModel;
    }

    /** After openAiChatRequest: applies the directives of an image chat request (nothing for other models). */
    public void apply(Exchange exchange) throws Exception {
        GeminiChatRequest chat = exchange.getProperty(OpenAiChatRequest.PROPERTY, GeminiChatRequest.class);
        String image = createImageModel.get();
        if (chat == null || image == null || image.isEmpty() || !chat.model().equals(image)
                || !ModelParam.id(chat.requestedModel()).equals(image + ModelAliases.CHAT)) {
            return;
        }
        PromptDirectives found = takeDirectives(chat.body());
        if (found == null) {
            return;
        }
        if (found.ratio() != null) {
            String ratio = OpenAiImages.directRatio(found.ratio(), OpenAiImages.ratios(chat.model(), false));
            ObjectNode config = chat.body().has("generationConfig") && chat.body().get("generationConfig").isObject()
                    ? (ObjectNode) chat.body().get("generationConfig") : chat.body().putObject("generationConfig");
            ObjectNode imageConfig = config.has("imageConfig") && config.get("imageConfig").isObject()
                    ? (ObjectNode) config.get("imageConfig") : config.putObject("imageConfig");
            imageConfig.put("aspectRatio", ratio);
        }
        Message in = exchange.getMessage();
        Buffer body = BufferJson.write(json, chat.body());
        in.setBody(body);
        int calls = found.n() == null ? 1 : OpenAiImages.count(NODES.numberNode(found.n()), false, true);
        if (calls > 1) {
            exchange.setProperty(STATE, new State(calls, chat.model(), body, in.getHeader(Upstream.KEY_PIN, String.class)));
            if (chat.stream()) {
                exchange.setProperty(FakeStream.FORCE, true);
            }
        }
    }

    /** After each call: keeps its answer, or notes that it failed (its error is then the answer). */
    public void collect(Exchange exchange) throws Exception {
        State s = exchange.getProperty(STATE, State.class);
        if (s == null || s.failed) {
            return;
        }
        Message msg = exchange.getMessage();
        if (!Upstream.answeredWell(msg)) {
            s.failed = true;
            return;
        }
        JsonNode answer = OpenAiReplies.googleAnswer(json, msg);
        if (s.merged == null) {
            s.merged = answer instanceof ObjectNode o ? o : NODES.objectNode();
        } else {
            add(s.merged, answer);
        }
        s.answered++;
    }

    /** Whether another of the K calls is due: none failed and not all are in. */
    public boolean more(Exchange exchange) {
        State s = exchange.getProperty(STATE, State.class);
        return s != null && !s.failed && s.answered < s.calls;
    }

    /** After the last call: the answer put together, unless a call failed and its error is the answer. */
    public void answer(Exchange exchange) throws Exception {
        State s = exchange.getProperty(STATE, State.class);
        if (s == null) {
            return;
        }
        exchange.removeProperty(STATE);
        if (!s.failed && s.merged != null) {
            exchange.getMessage().setBody(BufferJson.write(json, s.merged));
        }
    }

    /** Sets up the next of the K calls: the same body, to generateContent. */
    public void nextCall(Exchange exchange) {
        State s = exchange.getProperty(STATE, State.class);
        Message msg = exchange.getMessage();
        Upstream.call(msg, s.model, "POST", "/models/" + s.model + ":generateContent", null);
        if (s.keyPin != null) {
            msg.setHeader(Upstream.KEY_PIN, s.keyPin);
        }
        msg.setBody(s.body);
    }

    /** The directives of the last user message's text, taken out of it; null when it has none. */
    private static PromptDirectives takeDirectives(ObjectNode body) {
        JsonNode contents = body.get("contents");
        if (contents == null || !contents.isArray()) {
            return null;
        }
        JsonNode last = null;
        for (JsonNode c : contents) {
            if (!"model".equals(c.path("role").asText())) {
                last = c;
            }
        }
        if (last == null) {
            return null;
        }
        Integer n = null;
        String ratio = null;
        boolean any = false;
        for (JsonNode part : last.path("parts")) {
            JsonNode text = part.get("text");
            if (part instanceof ObjectNode p && text != null && text.isTextual() && !part.path("thought").asBoolean()) {
                PromptDirectives d = PromptDirectives.of(text.asText());
                if (d.n() != null || d.ratio() != null) {
                    any = true;
                    p.put("text", d.prompt());
                    n = d.n() != null ? d.n() : n;
                    ratio = d.ratio() != null ? d.ratio() : ratio;
                }
            }
        }
        return any ? new PromptDirectives("", n, ratio) : null;
    }

    /** Adds the parts of {@code answer}'s first candidate to {@code merged}'s, and its token counts. */
    private static void add(ObjectNode merged, JsonNode answer) {
        JsonNode from = answer.path("candidates").path(0).path("content").path("parts");
        JsonNode candidates = merged.get("candidates");
        if (candidates instanceof ArrayNode list && !list.isEmpty() && list.get(0) instanceof ObjectNode first) {
            ObjectNode content = first.get("content") instanceof ObjectNode c ? c : first.putObject("content");
            ArrayNode parts = content.get("parts") instanceof ArrayNode a ? a : content.putArray("parts");
            for (JsonNode part : from) {
                parts.add(part);
            }
        } else if (answer.has("candidates")) {
            merged.set("candidates", answer.get("candidates"));
        }
        JsonNode usage = answer.get("usageMetadata");
        if (usage != null && usage.isObject()) {
            ObjectNode total = merged.get("usageMetadata") instanceof ObjectNode u ? u : merged.putObject("usageMetadata");
            usage.fields().forEachRemaining(e -> {
                if (e.getValue().isIntegralNumber()) {
                    total.put(e.getKey(), total.path(e.getKey()).asLong(0) + e.getValue().asLong());
                }
            });
        }
    }
}
