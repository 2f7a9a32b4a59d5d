package dev.caravan.dialect.openai;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Translates one Gemini stream, event by event, into OpenAI {@code chat.completion.chunk}s: each event's parts become
 * one delta per choice ({@code content}, {@code reasoning_content}, {@code tool_calls} with index, id, name and
 * arguments); the first chunk of a choice carries {@code role: assistant}; {@link #finish()} gives the chunks that
 * carry {@code finish_reason} (and the grounding sources of a search model), then a usage chunk with no choices when
 * the client asked for {@code include_usage}. All chunks share one id. Chunks are returned as JSON text without SSE
 * framing; {@link #frame(String)} and {@link #DONE} frame them. Stateful, one per stream; not thread-safe.
 */
public final class OpenAiStreamTranslator {

    /** The SSE event that ends an OpenAI stream. */
    public static final String DONE = "data: [DONE]\n\n";

    private final ObjectMapper json;
    private final ThoughtSignatures signatures;
    private final String model;
    private final boolean includeUsage;
    private final String id;
    private final long created;
    private final Map<Integer, Choice> choices = new TreeMap<>();
    private JsonNode usage;
    private String blockReason;
    private boolean finished;

    /**
     * Prefer {@link GeminiToOpenAi#stream(String, boolean)}, which fills in the id and time.
     *
     * @param model        the model id the client asked for
     * @param includeUsage whether to end with a usage chunk
     * @param id           the completion id, {@code chatcmpl-...}
     * @param created      epoch seconds for {@code created}
     */
    public OpenAiStreamTranslator(ObjectMapper json, ThoughtSignatures signatures, String model, boolean includeUsage,
                                  String id, long created) {
        this(json, signatures, model, includeUsage, id, created, ChatFeatures.DEFAULTS);
    }

    /** @param features whether thoughts and search sources are shown (read once: one stream, one setting) */
    public OpenAiStreamTranslator(ObjectMapper json, ThoughtSignatures signatures, String model, boolean includeUsage,
                                  String id, long created, ChatFeatures features) {
        this.features = features;
        this.json = json;
        this.signatures = signatures;
        this.model = model;
        this.includeUsage = includeUsage;
        this.id = id;
        this.created = created;
    }

    private final ChatFeatures features;

    /** What is known of one choice so far. */
    private final class Choice {
        final ChoiceRenderer renderer;
        boolean started;
        String finishReason;
        JsonNode grounding;

        Choice(int index) {
            renderer = new ChoiceRenderer(id, index, signatures, features);
        }
    }

    /**
     * @param event one parsed Gemini stream event (a {@code GenerateContentResponse})
     * @return the chunks to send now, possibly none
     */
    public List<String> onEvent(JsonNode event) {
        if (finished) {
            throw new IllegalStateException("the stream is already finished");
        }
        JsonNode googleError = Json.field(event, "error");
        if (googleError != null && googleError.isObject()) {
            // Google ended a started stream with its own error instead of a finish reason: say so, never "stop"
            int code = googleError.path("code").asInt(0);
            String message = Json.nestedText(googleError, "message");
            return List.of(error(code >= 400 ? code : 502,
                    "Google ended the stream with an error: " + (message != null ? message : "no message")));
        }
        JsonNode eventUsage = Json.field(event, "usageMetadata");
        if (eventUsage != null) {
            usage = eventUsage;
        }
        String blocked = Json.nestedText(event, "promptFeedback", "blockReason");
        if (blocked != null) {
            blockReason = blocked;
        }
        List<String> out = new ArrayList<>();
        JsonNode candidates = Json.field(event, "candidates");
        if (candidates != null) {
            for (int i = 0; i < candidates.size(); i++) {
                ObjectNode chunk = candidate(candidates.get(i), i);
                if (chunk != null) {
                    out.add(write(chunk));
                }
            }
        }
        return out;
    }

    /** The closing chunks: one with {@code finish_reason} per choice, then usage when asked for. Once only. */
    public List<String> finish() {
        if (finished) {
            return List.of();
        }
        finished = true;
        if (choices.isEmpty()) {
            choices.put(0, new Choice(0));
        }
        List<String> out = new ArrayList<>();
        choices.forEach((index, choice) -> out.add(write(closing(index, choice))));
        if (includeUsage) {
            ObjectNode last = envelope();
            last.putArray("choices");
            last.set("usage", UsageTranslator.of(json, usage));
            out.add(write(last));
        }
        return out;
    }

    /**
     * The chunk that tells the client the stream broke after it started (the upstream failed mid-way); nothing may
     * follow it but {@link #DONE}.
     */
    public String error(int code, String message) {
        finished = true;
        return OpenAiErrorBody.json(code, message);
    }

    /** Whether the stream is over: finished normally, or ended by an error chunk. */
    public boolean finished() {
        return finished;
    }

    /** One SSE event: {@code data: <json>} and a blank line. */
    public static String frame(String chunk) {
        return "data: " + chunk + "\n\n";
    }

    /** The id every chunk of this stream carries. */
    public String id() {
        return id;
    }

    private ObjectNode candidate(JsonNode candidate, int position) {
        int index = candidate.path("index").asInt(position);
        Choice choice = choices.computeIfAbsent(index, Choice::new);
        String reason = Json.nestedText(candidate, "finishReason");
        if (reason != null) {
            choice.finishReason = reason;
        }
        JsonNode grounding = Json.field(candidate, "groundingMetadata");
        if (grounding != null) {
            choice.grounding = grounding;
        }
        ChoiceRenderer.Rendered r = choice.renderer.render(candidate.path("content").get("parts"));
        if (r.isEmpty()) {
            return null;
        }
        ObjectNode delta = startDelta(choice);
        if (!r.content().isEmpty()) {
            delta.put("content", r.content());
        }
        if (!r.reasoning().isEmpty()) {
            delta.put("reasoning_content", r.reasoning());
        }
        if (!r.toolCalls().isEmpty()) {
            ArrayNode calls = delta.putArray("tool_calls");
            int first = choice.renderer.toolCallCount() - r.toolCalls().size();
            for (int k = 0; k < r.toolCalls().size(); k++) {
                ObjectNode call = json.createObjectNode().put("index", first + k);
                calls.add(call.setAll(r.toolCalls().get(k)));
            }
        }
        return chunk(index, delta, null);
    }

    private ObjectNode closing(int index, Choice choice) {
        ObjectNode delta = startDelta(choice);
        String sources = choice.renderer.sources(choice.grounding);
        if (!sources.isEmpty()) {
            delta.put("content", sources);
        }
        return chunk(index, delta, finishReason(choice));
    }

    private String finishReason(Choice choice) {
        if (choice.renderer.toolCallCount() > 0) {
            return "tool_calls";
        }
        if (choice.finishReason == null && blockReason != null) {
            return "content_filter";
        }
        return FinishReasons.of(choice.finishReason);
    }

    private ObjectNode startDelta(Choice choice) {
        ObjectNode delta = json.createObjectNode();
        if (!choice.started) {
            delta.put("role", "assistant");
            choice.started = true;
        }
        return delta;
    }

    private ObjectNode chunk(int index, ObjectNode delta, String finishReason) {
        ObjectNode chunk = envelope();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", index);
        choice.set("delta", delta);
        choice.put("finish_reason", finishReason);
        if (includeUsage) {
            chunk.putNull("usage");
        }
        return chunk;
    }

    private ObjectNode envelope() {
        return json.createObjectNode()
                .put("id", id)
                .put("object", "chat.completion.chunk")
                .put("created", created)
                .put("model", model);
    }

    private String write(ObjectNode chunk) {
        try {
            return json.writeValueAsString(chunk);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
