package dev.caravan.dialect.openai;

import java.io.IOException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.http.BufferJson;

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
     * The chat.completion as JSON bytes, written straight from Gemini's tree with a generator: no tree of the
     * completion is built and none serialised, which cost the OpenAI surface 1.0 KB per answer (bench/alloc.sh).
     *
     * @param response       Gemini's response body
     * @param requestedModel the model id the client asked for ({@link GeminiChatRequest#requestedModel()})
     */
    public byte[] chatCompletion(JsonNode response, String requestedModel) {
        String id = "chatcmpl-" + ids.get();
        return BufferJson.written(json, out -> chatCompletion(out, id, response, requestedModel));
    }

    private void chatCompletion(JsonGenerator out, String id, JsonNode response, String requestedModel)
            throws IOException {
        out.writeStartObject();
        out.writeStringField("id", id);
        out.writeStringField("object", "chat.completion");
        out.writeNumberField("created", clock.instant().getEpochSecond());
        out.writeStringField("model", requestedModel);
        out.writeArrayFieldStart("choices");
        JsonNode candidates = Json.field(response, "candidates");
        if (candidates != null && !candidates.isEmpty()) {
            for (int i = 0; i < candidates.size(); i++) {
                choice(out, id, i, candidates.get(i));
            }
        } else {
            emptyChoice(out, Json.nestedText(response, "promptFeedback", "blockReason"));
        }
        out.writeEndArray();
        JsonNode usage = Json.field(response, "usageMetadata");
        if (usage != null) {
            out.writeFieldName("usage");
            UsageTranslator.write(out, usage);
        }
        out.writeEndObject();
    }

    /** A translator for one streamed completion; see {@link OpenAiStreamTranslator}. */
    public OpenAiStreamTranslator stream(String requestedModel, boolean includeUsage) {
        return new OpenAiStreamTranslator(json, signatures, requestedModel, includeUsage, "chatcmpl-" + ids.get(),
                clock.instant().getEpochSecond(), features.get());
    }

    private void choice(JsonGenerator out, String id, int position, JsonNode candidate) throws IOException {
        int index = candidate.path("index").asInt(position);
        ChoiceRenderer renderer = new ChoiceRenderer(id, index, signatures, features.get());
        ChoiceRenderer.Rendered r = renderer.render(candidate.path("content").get("parts"));
        String content = r.content() + renderer.sources(Json.field(candidate, "groundingMetadata"));
        out.writeStartObject();
        out.writeNumberField("index", index);
        out.writeObjectFieldStart("message");
        out.writeStringField("role", "assistant");
        if (content.isEmpty() && !r.toolCalls().isEmpty()) {
            out.writeNullField("content");
        } else {
            out.writeStringField("content", content);
        }
        if (!r.reasoning().isEmpty()) {
            out.writeStringField("reasoning_content", r.reasoning());
        }
        if (!r.toolCalls().isEmpty()) {
            out.writeArrayFieldStart("tool_calls");
            for (ObjectNode call : r.toolCalls()) {
                out.writeTree(call);
            }
            out.writeEndArray();
        }
        out.writeEndObject();
        out.writeStringField("finish_reason", r.toolCalls().isEmpty()
                ? FinishReasons.of(Json.nestedText(candidate, "finishReason"))
                : "tool_calls");
        out.writeEndObject();
    }

    /** The one choice of a response without candidates: a blocked prompt, or nothing at all. */
    private static void emptyChoice(JsonGenerator out, String blockReason) throws IOException {
        out.writeStartObject();
        out.writeNumberField("index", 0);
        out.writeObjectFieldStart("message");
        out.writeStringField("role", "assistant");
        out.writeStringField("content", "");
        out.writeEndObject();
        out.writeStringField("finish_reason", blockReason != null ? "content_filter" : "stop");
        out.writeEndObject();
    }
}
