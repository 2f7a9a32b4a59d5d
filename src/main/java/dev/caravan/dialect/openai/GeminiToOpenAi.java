package dev.caravan.dialect.openai;

import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Translates a Gemini {@code generateContent} response into an OpenAI {@code chat.completion} (one choice per
 * candidate), and starts an {@link OpenAiStreamTranslator} for each streamed one. Safe to share between threads.
 */
public final class GeminiToOpenAi {

    private final ObjectMapper json;
    private final ThoughtSignatures signatures;
    private final Clock clock;
    private final Supplier<String> ids;
    private final Supplier<ChatFeatures> features;

    /** With the system clock and random completion ids. */
    public GeminiToOpenAi(ObjectMapper json, ThoughtSignatures signatures) {
        this(json, signatures, Clock.systemUTC(), GeminiToOpenAi::randomId);
    }

    /**
     * @param clock gives {@code created}
     * @param ids   gives the part of each completion id after {@code chatcmpl-}; must be safe to call concurrently
     */
    public GeminiToOpenAi(ObjectMapper json, ThoughtSignatures signatures, Clock clock, Supplier<String> ids) {
        this(json, signatures, clock, ids, () -> ChatFeatures.DEFAULTS);
    }

    /** With the system clock, random completion ids and the operator's answer switches, read for each answer. */
    public GeminiToOpenAi(ObjectMapper json, ThoughtSignatures signatures, Supplier<ChatFeatures> features) {
        this(json, signatures, Clock.systemUTC(), GeminiToOpenAi::randomId, features);
    }

    /** @param features whether thoughts and search sources are shown, read for each answer */
    public GeminiToOpenAi(ObjectMapper json, ThoughtSignatures signatures, Clock clock, Supplier<String> ids,
                          Supplier<ChatFeatures> features) {
        this.features = features;
        this.json = json;
        this.signatures = signatures;
        this.clock = clock;
        this.ids = ids;
    }

    /**
     * 32 random hex digits, as OpenAI's completion ids carry after {@code chatcmpl-}. Not a secret, so a thread's own
     * generator serves: a random UUID would take SecureRandom's lock and four objects for each answer.
     */
    static String randomId() {
        byte[] id = new byte[16];
        ThreadLocalRandom.current().nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    /**
     * @param response       Gemini's response body
     * @param requestedModel the model id the client asked for ({@link GeminiChatRequest#requestedModel()})
     */
    public ObjectNode chatCompletion(JsonNode response, String requestedModel) {
        String id = "chatcmpl-" + ids.get();
        ObjectNode out = json.createObjectNode()
                .put("id", id)
                .put("object", "chat.completion")
                .put("created", clock.instant().getEpochSecond())
                .put("model", requestedModel);
        ArrayNode choices = out.putArray("choices");
        JsonNode candidates = Json.field(response, "candidates");
        if (candidates != null && !candidates.isEmpty()) {
            for (int i = 0; i < candidates.size(); i++) {
                choices.add(choice(id, i, candidates.get(i)));
            }
        } else {
            choices.add(emptyChoice(Json.nestedText(response, "promptFeedback", "blockReason")));
        }
        JsonNode usage = Json.field(response, "usageMetadata");
        if (usage != null) {
            out.set("usage", UsageTranslator.of(usage));
        }
        return out;
    }

    /** A translator for one streamed completion; see {@link OpenAiStreamTranslator}. */
    public OpenAiStreamTranslator stream(String requestedModel, boolean includeUsage) {
        return new OpenAiStreamTranslator(json, signatures, requestedModel, includeUsage, "chatcmpl-" + ids.get(),
                clock.instant().getEpochSecond(), features.get());
    }

    private ObjectNode choice(String id, int position, JsonNode candidate) {
        int index = candidate.path("index").asInt(position);
        ChoiceRenderer renderer = new ChoiceRenderer(id, index, signatures, features.get());
        ChoiceRenderer.Rendered r = renderer.render(candidate.path("content").get("parts"));
        String content = r.content() + renderer.sources(Json.field(candidate, "groundingMetadata"));
        ObjectNode message = json.createObjectNode().put("role", "assistant");
        if (content.isEmpty() && !r.toolCalls().isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", content);
        }
        if (!r.reasoning().isEmpty()) {
            message.put("reasoning_content", r.reasoning());
        }
        if (!r.toolCalls().isEmpty()) {
            message.putArray("tool_calls").addAll(r.toolCalls());
        }
        String finish = r.toolCalls().isEmpty()
                ? FinishReasons.of(Json.nestedText(candidate, "finishReason"))
                : "tool_calls";
        ObjectNode choice = json.createObjectNode().put("index", index);
        choice.set("message", message);
        return choice.put("finish_reason", finish);
    }

    /** The one choice of a response without candidates: a blocked prompt, or nothing at all. */
    private ObjectNode emptyChoice(String blockReason) {
        ObjectNode choice = json.createObjectNode().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", "");
        return choice.put("finish_reason", blockReason != null ? "content_filter" : "stop");
    }
}
